"""COCO segmentations to pixel masks without pycocotools: polygons are rasterized with PIL,
run-length encodings (plain count lists or the compressed strings) are decoded in numpy."""

import numpy as np


def rle_counts_from_string(text: str) -> list[int]:
    """Decode COCO's compressed RLE string (pycocotools' rleFrString): each count is a
    little-endian run of 5-bit groups offset by 48, with a continuation bit (0x20) and, in the
    last group, a sign bit (0x10); from the third count on, counts are deltas from two back."""
    counts: list[int] = []
    position = 0
    while position < len(text):
        value, shift, more = 0, 0, True
        while more:
            if position >= len(text):
                raise ValueError("truncated RLE string (the last count never ends)")
            group = ord(text[position]) - 48
            if not 0 <= group < 64:
                raise ValueError(f"character {text[position]!r} cannot appear in an RLE string")
            value |= (group & 0x1F) << (5 * shift)
            more = bool(group & 0x20)
            position += 1
            shift += 1
            if not more and group & 0x10:
                value |= -1 << (5 * shift)
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def rle_to_mask(rle: dict) -> np.ndarray:
    """{"size": [height, width], "counts": list or string} -> bool (height, width). Runs
    alternate background and foreground, column by column (Fortran order), as COCO stores."""
    height, width = (int(v) for v in rle["size"])
    counts = rle["counts"]
    counts = rle_counts_from_string(counts) if isinstance(counts, str) else list(counts)
    if any(c < 0 for c in counts) or sum(counts) != height * width:
        raise ValueError(
            f"RLE counts sum to {sum(counts)}, not height x width "
            f"({height} x {width} = {height * width}), or a count is negative"
        )
    values = np.zeros(len(counts), dtype=bool)
    values[1::2] = True
    flat = np.repeat(values, counts)
    return flat.reshape(width, height).T


def polygons_to_mask(polygons: list, scale_x: float, scale_y: float, size: int) -> np.ndarray:
    """COCO polygons [[x0, y0, x1, y1, ...], ...] in source pixels -> bool (size, size) at the
    resized scale; several polygons (an occluded object's parts) are united."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    for polygon in polygons:
        xy = [
            (float(x) * scale_x, float(y) * scale_y)
            for x, y in zip(polygon[0::2], polygon[1::2], strict=True)
        ]
        draw.polygon(xy, fill=1, outline=1)
    return np.array(canvas, dtype=bool)


def resize_mask(mask: np.ndarray, size: int) -> np.ndarray:
    """A bool mask resized to (size, size) by nearest neighbour."""
    from PIL import Image

    image = Image.fromarray(mask.astype(np.uint8) * 255)
    return np.array(image.resize((size, size), Image.Resampling.NEAREST)) > 127
