"""Images of coloured shapes whose label is what was drawn (shape and colour)."""

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.pixels import normalize_pixels

SHAPE_NAMES = ("circle", "square", "triangle", "cross", "ring", "diamond")
RGB_COLORS = {
    "red": (0.9, 0.15, 0.15),
    "green": (0.15, 0.8, 0.2),
    "blue": (0.2, 0.3, 0.95),
    "yellow": (0.95, 0.9, 0.15),
    "magenta": (0.9, 0.2, 0.85),
    "cyan": (0.15, 0.85, 0.9),
}
GRAY_COLORS = {"light": (0.95,), "dark": (0.05,)}


def shape_mask(shape: str, x: np.ndarray, y: np.ndarray, r: float) -> np.ndarray:
    """Boolean mask of `shape` with half-size `r`, on coordinates centred at the shape."""
    ax, ay = np.abs(x), np.abs(y)
    masks = {
        "circle": lambda: x**2 + y**2 <= r**2,
        "square": lambda: (ax <= 0.8 * r) & (ay <= 0.8 * r),
        "triangle": lambda: (y <= 0.8 * r) & (ax <= (y + r) * 0.6),
        "cross": lambda: ((ax <= 0.3 * r) & (ay <= r)) | ((ay <= 0.3 * r) & (ax <= r)),
        "ring": lambda: (x**2 + y**2 <= r**2) & (x**2 + y**2 >= (0.55 * r) ** 2),
        "diamond": lambda: ax + ay <= r,
    }
    return masks[shape]()


def shape_classes(num_classes: int, channels: int) -> list[tuple[str, str]]:
    """The first `num_classes` (shape, colour) pairs; the default 12 are 4 shapes x 3 colours."""
    colors = list(RGB_COLORS if channels == 3 else GRAY_COLORS)
    pairs = [(s, c) for s in range(len(SHAPE_NAMES)) for c in range(len(colors))]
    if not 2 <= num_classes <= len(pairs):
        raise ValueError(
            f"num_classes ({num_classes}) must be between 2 and {len(pairs)} "
            f"for {channels}-channel synthetic shapes"
        )
    pairs.sort(key=lambda sc: (sc[0] >= 4 or sc[1] >= 3, max(sc), sc))
    return [(SHAPE_NAMES[s], colors[c]) for s, c in pairs[:num_classes]]


class ShapesDataset(Dataset):
    """`size` images; item i is drawn from (seed, i) alone, so any order gives the same data."""

    def __init__(
        self,
        size: int,
        image_size: int = 32,
        channels: int = 3,
        seed: int = 0,
        num_classes: int = 12,
    ):
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        if image_size < 8:
            raise ValueError(f"image_size ({image_size}) must be at least 8 to draw shapes")
        self.size = size
        self.image_size = image_size
        self.channels = channels
        self.seed = seed
        self.classes = shape_classes(num_classes, channels)
        self.class_names = [f"{color} {shape}" for shape, color in self.classes]
        self.palette = RGB_COLORS if channels == 3 else GRAY_COLORS

    def __len__(self) -> int:
        return self.size

    def label_of(self, index: int) -> int:
        rng = np.random.default_rng([self.seed, index])
        return int(rng.integers(len(self.classes)))

    def caption_for(self, index: int) -> str:
        """A short description of what item `index` shows, e.g. "a red circle"."""
        return f"a {self.class_names[self.label_of(index)]}"

    def draw(self, index: int) -> tuple[np.ndarray, int]:
        """Item `index` as (C, H, W) floats in [0, 1] and its label."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} images")
        rng = np.random.default_rng([self.seed, index])
        label = int(rng.integers(len(self.classes)))
        shape, color = self.classes[label]
        n = self.image_size
        r = rng.uniform(0.22, 0.4) * n
        cx, cy = rng.uniform(r, n - r, size=2)
        yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) + 0.5
        mask = shape_mask(shape, xx - cx, yy - cy, r)
        background = rng.uniform(0.35, 0.6) + rng.normal(0.0, 0.04, size=(self.channels, n, n))
        rgb = np.asarray(self.palette[color]) + rng.uniform(-0.07, 0.07, size=self.channels)
        image = np.where(mask[None], rgb[:, None, None], background)
        return np.clip(image, 0.0, 1.0).astype(np.float32), label

    def __getitem__(self, index: int) -> dict:
        image, label = self.draw(index)
        return {
            "images": normalize_pixels(torch.from_numpy(image)),
            "labels": torch.tensor(label, dtype=torch.long),
        }
