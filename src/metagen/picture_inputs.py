"""The pictures a library command's inputs name (`metagen index`, `metagen explain`): files,
folders (their pictures, nested too), globs, and CSV or JSONL lists whose rows name pictures,
read as every package's infer.py reads its inputs (data/prediction_io.py)."""

from __future__ import annotations

from pathlib import Path

from metagen.data.prediction_io import input_files

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


def pictures_of(inputs: list[str]) -> list[Path]:
    """Every picture the inputs name, in order (a ValueError where one names nothing)."""
    return input_files(inputs, IMAGE_SUFFIXES)
