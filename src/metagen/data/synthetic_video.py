"""Clips of a bright shape moving across a dark frame; the label is the way it moves (and,
beyond 8 classes, which shape it is).

The direction shows only in how frames differ, so a model must compare frames to tell it.
"""

from collections.abc import Sequence

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_images import RGB_COLORS, SHAPE_NAMES, shape_mask

# Unit steps (dx, dy) in image coordinates (y grows downwards); cardinal directions first.
DIRECTIONS = {
    "right": (1.0, 0.0),
    "left": (-1.0, 0.0),
    "down": (0.0, 1.0),
    "up": (0.0, -1.0),
    "down-right": (0.7071, 0.7071),
    "up-left": (-0.7071, -0.7071),
    "down-left": (-0.7071, 0.7071),
    "up-right": (0.7071, -0.7071),
}
# Shape half-size and path length, as fractions of the shorter side.
MOTION_RADIUS = (0.14, 0.2)
MOTION_TRAVEL = (0.3, 0.5)
# Every channel of a shape is brighter than every channel of the background.
MOTION_BACKGROUND = (0.05, 0.3)
MOTION_SHAPE_FLOOR = 0.55


def motion_classes(num_classes: int) -> list[tuple[str | None, str]]:
    """(shape, direction) per class. Up to 8 classes are directions alone (the shape varies
    and names no class); from 9, each class is a (shape, direction) pair, cardinal
    directions first."""
    directions = list(DIRECTIONS)
    if 2 <= num_classes <= len(directions):
        return [(None, d) for d in directions[:num_classes]]
    pairs = [(s, d) for s in range(len(SHAPE_NAMES)) for d in range(len(directions))]
    if not 2 <= num_classes <= len(pairs):
        raise ValueError(
            f"num_classes ({num_classes}) must be between 2 and {len(pairs)} for synthetic "
            "moving-shape clips"
        )
    pairs.sort(key=lambda sd: (sd[1] >= 4, sd))
    return [(SHAPE_NAMES[s], directions[d]) for s, d in pairs[:num_classes]]


def moving_shape_clip(
    rng: np.random.Generator,
    shape: str,
    direction: str,
    color: np.ndarray,
    channels: int,
    num_frames: int,
    resolution: Sequence[int],
) -> np.ndarray:
    """(C, T, H, W) floats in [0, 1]: `shape` in `color` (RGB) moving `direction` over a
    noisy dark frame, its size, path and start drawn from `rng`."""
    (h, w), t, c = resolution, num_frames, channels
    r = rng.uniform(*MOTION_RADIUS) * min(h, w)
    dx, dy = DIRECTIONS[direction]
    travel = rng.uniform(*MOTION_TRAVEL) * min(h, w)  # the whole path inside the frame
    x0 = rng.uniform(r + max(0.0, -dx * travel), w - r - max(0.0, dx * travel))
    y0 = rng.uniform(r + max(0.0, -dy * travel), h - r - max(0.0, dy * travel))
    color = color.mean(keepdims=True) if c == 1 else color
    color = (color + rng.uniform(-0.05, 0.05, size=c)).astype(np.float32)
    # Uniform pixel noise of std 0.03 (uniform draws are 5x faster than normal ones).
    noise = rng.random(size=(c, t, h, w), dtype=np.float32) - np.float32(0.5)
    clip = np.float32(rng.uniform(*MOTION_BACKGROUND)) + np.float32(0.1) * noise
    for k in range(t):
        step = k / (t - 1)
        cx, cy = x0 + dx * travel * step, y0 + dy * travel * step
        # Draw inside the shape's bounding box only.
        top, left = max(0, int(cy - r) - 1), max(0, int(cx - r) - 1)
        bottom, right = min(h, int(cy + r) + 2), min(w, int(cx + r) + 2)
        yy, xx = np.mgrid[top:bottom, left:right].astype(np.float32) + 0.5
        mask = shape_mask(shape, xx - cx, yy - cy, r)
        box = clip[:, k, top:bottom, left:right]
        box[:] = np.where(mask[None], color[:, None, None], box)
    return np.clip(clip, 0.0, 1.0, out=clip)


class MovingShapesDataset(Dataset):
    """`size` clips of (C, T, H, W); clip i is drawn from (seed, i) alone, in any order."""

    def __init__(
        self,
        size: int,
        num_frames: int = 8,
        resolution: Sequence[int] = (32, 32),
        channels: int = 3,
        seed: int = 0,
        num_classes: int = 8,
    ):
        height, width = resolution
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        if min(height, width) < 16:
            raise ValueError(f"resolution {list(resolution)} must be at least 16x16 to draw motion")
        if num_frames < 2:
            raise ValueError(f"num_frames ({num_frames}) must be at least 2 to show motion")
        self.size = size
        self.num_frames = num_frames
        self.resolution = (height, width)
        self.channels = channels
        self.seed = seed
        self.classes = motion_classes(num_classes)
        self.class_names = [
            f"{shape or 'shape'} moving {direction}" for shape, direction in self.classes
        ]
        self.color_names = list(RGB_COLORS)
        colors = np.asarray(list(RGB_COLORS.values()))  # pastel: every channel >= the floor
        self.palette = MOTION_SHAPE_FLOOR + (1 - MOTION_SHAPE_FLOOR) * colors

    def __len__(self) -> int:
        return self.size

    def _content(self, rng: np.random.Generator) -> tuple[int, str, str, int]:
        """(label, shape, direction, colour index): the first draws of a clip's generator."""
        label = int(rng.integers(len(self.classes)))
        shape, direction = self.classes[label]
        if shape is None:
            shape = SHAPE_NAMES[int(rng.integers(len(SHAPE_NAMES)))]
        return label, shape, direction, int(rng.integers(len(self.palette)))

    def caption_for(self, index: int) -> str:
        """What clip `index` shows, e.g. "a red circle moving left" ("a circle ..." in gray)."""
        _, shape, direction, color = self._content(np.random.default_rng([self.seed, index]))
        color_name = f"{self.color_names[color]} " if self.channels == 3 else ""
        return f"a {color_name}{shape} moving {direction}"

    def draw(self, index: int) -> tuple[np.ndarray, int]:
        """Clip `index` as (C, T, H, W) floats in [0, 1] and its label."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} clips")
        rng = np.random.default_rng([self.seed, index])
        label, shape, direction, color_index = self._content(rng)
        clip = moving_shape_clip(rng, shape, direction, self.palette[color_index],
                                 self.channels, self.num_frames, self.resolution)  # fmt: skip
        return clip, label

    def __getitem__(self, index: int) -> dict:
        clip, label = self.draw(index)
        return {
            "videos": normalize_pixels(torch.from_numpy(clip)),
            "labels": torch.tensor(label, dtype=torch.long),
        }
