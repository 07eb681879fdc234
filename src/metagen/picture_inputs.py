"""The pictures a command's inputs name: files, folders (their pictures, nested too), globs,
and CSV or JSONL lists whose rows name pictures."""

from __future__ import annotations

import csv
import glob
import json
from pathlib import Path

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
PICTURE_KEYS = ("image", "path", "file")  # the column or key of a CSV or JSONL naming pictures


def pictures_of(inputs: list[str]) -> list[Path]:
    """Every picture the inputs name, in order: a file, a folder's pictures (sorted, nested
    folders too), a glob's matches, or each row of a CSV or JSONL (its image/path/file, read
    from beside the list)."""
    found: list[Path] = []
    for given in inputs:
        path = Path(given)
        if path.suffix.lower() in (".csv", ".jsonl") and path.is_file():
            found += _listed(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(given) and glob.glob(given, recursive=True):
            found += sorted(Path(p) for p in glob.glob(given, recursive=True) if Path(p).is_file())
        else:
            raise ValueError(f"{given}: no such file, folder or matching glob")
    if not found:
        raise ValueError(f"{' '.join(inputs)} name no pictures ({', '.join(IMAGE_SUFFIXES)})")
    return found


def _listed(path: Path) -> list[Path]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    else:
        try:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: line {error.lineno} is not JSON") from None
    pictures = []
    for number, row in enumerate(rows, start=1):
        key = next((k for k in PICTURE_KEYS if isinstance(row, dict) and row.get(k)), None)
        if key is None:
            raise ValueError(f"{path}: row {number} names no picture (give it an "
                             f"{'/'.join(PICTURE_KEYS)} field)")  # fmt: skip
        pictures.append(path.parent / str(row[key]))
    return pictures
