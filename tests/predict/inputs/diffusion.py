"""Requests for a diffusion model's infer.py (images or clips): a .txt caption, a .json
request and a CSV of the rest, with the run's own held-out captions where it reads text."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` requests in `folder`; the number of predictions they should get (one each)."""
    if count < 3:
        raise ValueError(f"count ({count}) must be at least 3: a .txt, a .json and a CSV")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    captions = info["val_caption_examples"] if info["text_conditioning"] else [None]
    requests = [
        {**({"caption": captions[i % len(captions)]} if captions[0] else {}), "seed": i}
        for i in range(count)
    ]
    if captions[0]:  # a caption alone in a text file: an unconditional model reads none
        (folder / "first.txt").write_text(requests[0]["caption"], encoding="utf-8")
    else:
        (folder / "first.json").write_text(json.dumps(requests[0]), encoding="utf-8")
    (folder / "second.json").write_text(json.dumps(requests[1]), encoding="utf-8")
    with (folder / "rest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(requests[2]))
        writer.writeheader()
        writer.writerows(requests[2:])
    return count
