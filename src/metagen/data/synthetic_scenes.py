"""Scenes of several drawn shapes with per-pixel labels: a class map and an instance map.

Semantic scenes: class 0 is the background, classes 1..n are (shape, colour) pairs, 1 to 3
shapes per image. Panoptic scenes: two stuff classes (0 "sky" above a random horizon, 1
"ground" below it, told apart by brightness and texture), then the shape classes as things,
1 to 4 non-overlapping instances per image. Item i is drawn from (seed, i) alone."""

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_images import GRAY_COLORS, RGB_COLORS, shape_classes, shape_mask

SCENE_STUFF = ("sky", "ground")
SCENE_MAX_SHAPES = {"semantic": 3, "panoptic": 4}
SCENE_RADIUS = (0.12, 0.22)  # half-size of a shape, as a fraction of the image side
SCENE_PLACEMENT_TRIES = 20


def scene_shape_classes(num_shapes: int, channels: int) -> list[tuple[str, str]]:
    """The first `num_shapes` (shape, colour) pairs of the shapes classifier's order."""
    return shape_classes(max(2, num_shapes), channels)[:num_shapes]


def scene_capacity(channels: int, panoptic: bool) -> int:
    """Most classes a scene can have: every (shape, colour) pair plus the background(s)."""
    colors = RGB_COLORS if channels == 3 else GRAY_COLORS
    return 6 * len(colors) + (len(SCENE_STUFF) if panoptic else 1)


def _background(rng, channels: int, n: int, panoptic: bool) -> tuple[np.ndarray, np.ndarray]:
    """The backdrop (C, H, W) and its class map: one noisy field, or sky over ground."""
    if not panoptic:
        level = rng.uniform(0.35, 0.6)
        image = level + rng.normal(0.0, 0.04, size=(channels, n, n))
        return image, np.zeros((n, n), dtype=np.int64)
    horizon = int(rng.uniform(0.3, 0.7) * n)
    rows = np.arange(n)[:, None].repeat(n, axis=1)
    classes = (rows >= horizon).astype(np.int64)  # 0 sky, 1 ground
    sky = rng.uniform(0.6, 0.75) + rng.normal(0.0, 0.02, size=(channels, n, n))
    ground = rng.uniform(0.25, 0.4) + rng.normal(0.0, 0.08, size=(channels, n, n))
    return np.where(classes[None] == 0, sky, ground), classes


def draw_scene(
    rng, image_size: int, channels: int, shapes: list[tuple[str, str]], panoptic: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image (C, H, W) in [0, 1], classes (H, W), instances (H, W)); instance ids count from
    1 in drawing order, 0 where no shape is."""
    n = image_size
    palette = RGB_COLORS if channels == 3 else GRAY_COLORS
    first_shape_class = len(SCENE_STUFF) if panoptic else 1
    image, classes = _background(rng, channels, n, panoptic)
    instances = np.zeros((n, n), dtype=np.int64)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) + 0.5
    placed: list[tuple[float, float, float]] = []
    count = int(rng.integers(1, SCENE_MAX_SHAPES["panoptic" if panoptic else "semantic"] + 1))
    for _ in range(count):
        label = int(rng.integers(len(shapes)))
        shape, color = shapes[label]
        r = rng.uniform(*SCENE_RADIUS) * n
        for _ in range(SCENE_PLACEMENT_TRIES):  # keep shapes apart: each instance is whole
            cx, cy = rng.uniform(r, n - r, size=2)
            if all((cx - x) ** 2 + (cy - y) ** 2 > (r + q + 1) ** 2 for x, y, q in placed):
                break
        else:
            continue
        placed.append((cx, cy, r))
        mask = shape_mask(shape, xx - cx, yy - cy, r)
        rgb = np.asarray(palette[color]) + rng.uniform(-0.07, 0.07, size=channels)
        image = np.where(mask[None], rgb[:, None, None], image)
        classes[mask] = first_shape_class + label
        instances[mask] = len(placed)
    return np.clip(image, 0.0, 1.0).astype(np.float32), classes, instances


class SceneSegmentationDataset(Dataset):
    """`size` scenes. Semantic items are {"images", "targets": classes (H, W)}; panoptic items
    carry "targets": (2, H, W), the classes and the instance ids."""

    def __init__(
        self,
        size: int,
        image_size: int,
        channels: int,
        seed: int,
        num_classes: int,
        panoptic: bool = False,
    ):
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        if image_size < 16:
            raise ValueError(f"image_size ({image_size}) must be at least 16 to draw scenes")
        stuff = list(SCENE_STUFF) if panoptic else ["background"]
        if not len(stuff) < num_classes <= scene_capacity(channels, panoptic):
            raise ValueError(
                f"num_classes ({num_classes}) must be between {len(stuff) + 1} and "
                f"{scene_capacity(channels, panoptic)} for {channels}-channel synthetic scenes"
            )
        self.size, self.image_size, self.channels = size, image_size, channels
        self.seed, self.panoptic = seed, panoptic
        self.shapes = scene_shape_classes(num_classes - len(stuff), channels)
        self.class_names = stuff + [f"{color} {shape}" for shape, color in self.shapes]
        self.thing_classes = list(range(len(stuff), num_classes)) if panoptic else []

    def __len__(self) -> int:
        return self.size

    def draw(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} scenes")
        rng = np.random.default_rng([self.seed, index])
        return draw_scene(rng, self.image_size, self.channels, self.shapes, self.panoptic)

    def __getitem__(self, index: int) -> dict:
        image, classes, instances = self.draw(index)
        targets = np.stack((classes, instances)) if self.panoptic else classes
        return {
            "images": normalize_pixels(torch.from_numpy(image)),
            "targets": torch.from_numpy(targets),
        }
