"""A map drawn over its picture: stretched to the picture's size, coloured with a matplotlib
colormap and blended in, saved as PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

COLORMAP = "inferno"
HEAT_WEIGHT = 0.55  # the heat map's share of each blended pixel; the picture keeps the rest
MIN_SIDE = 256  # small pictures (a 32x32 training image) are enlarged to be seen


def colormap(name: str = COLORMAP):
    try:
        from matplotlib import colormaps
    except ModuleNotFoundError:
        raise ValueError(
            "the overlays are coloured with matplotlib, which is not installed; "
            "pip install 'metagen[plots]'"
        ) from None
    return colormaps[name]


def unit_range(values: np.ndarray) -> np.ndarray:
    """values scaled to [0, 1]; a flat map (nothing stands out) is all zeros."""
    low, high = float(values.min()), float(values.max())
    if high - low <= 0:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def write_overlay(
    picture_path: Path, heat: np.ndarray, out_path: Path, padded_from: int | None = None
) -> Path:
    """`heat` (h, w) over the picture at `picture_path` (its own size, enlarged to MIN_SIDE
    where smaller), written to `out_path` as PNG. `padded_from`: the model saw the picture
    centred on a square of that side (resize "pad"), so only that region of the map is
    drawn over it."""
    from PIL import Image

    from metagen.data.image_folder import pad_box

    with Image.open(picture_path) as opened:
        picture = opened.convert("RGB")
    box = None
    if padded_from is not None:  # the map's share that covers the picture, in map pixels
        to_map = heat.shape[1] / padded_from
        box = tuple(edge * to_map for edge in pad_box(*picture.size, padded_from))
    scale = max(1.0, MIN_SIDE / min(picture.size))
    size = (round(picture.width * scale), round(picture.height * scale))
    picture = picture.resize(size, Image.Resampling.BILINEAR)
    stretched = Image.fromarray(unit_range(heat)).resize(size, Image.Resampling.BILINEAR, box=box)
    colours = colormap()(np.clip(np.asarray(stretched), 0.0, 1.0))[..., :3]  # (H, W, 3)
    blended = (1 - HEAT_WEIGHT) * np.asarray(picture) / 255.0 + HEAT_WEIGHT * colours
    Image.fromarray((blended * 255).round().astype(np.uint8)).save(out_path)
    return out_path
