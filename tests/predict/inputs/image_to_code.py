"""Pictures for an image-to-code model's infer.py: the first pictures of its run's own test
split (mockups, charts, flowcharts and code screenshots, as it was trained on)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` pictures in `folder`; the number of predictions they should get."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    data = Path(info["source"])
    lines = (data / "test.jsonl").read_text(encoding="utf-8").splitlines()[:count]
    if len(lines) < count:
        raise ValueError(f"{data / 'test.jsonl'} has {len(lines)} pictures, not {count}")
    for i, line in enumerate(lines):
        picture = data / json.loads(line)["image"]
        shutil.copy(picture, folder / f"{i}{picture.suffix}")
    return count
