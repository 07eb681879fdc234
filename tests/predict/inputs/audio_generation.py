"""Requests for an audio generator's infer.py: WAV prompts at the run's sample rate, and a
JSONL of the rest, one naming a prompt beside it and the others none (a built-in clip)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` requests in `folder`; the number of predictions they should get (one each)."""
    if count < 3:
        raise ValueError(f"count ({count}) must be at least 3: two prompts and a JSONL")
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    rate, length = info["sample_rate"], info["prompt_samples"]
    t = np.arange(length) / rate
    for i, pitch in enumerate((220.0, 330.0)):
        soundfile.write(str(folder / f"tone{i}.wav"), 0.4 * np.sin(2 * np.pi * pitch * t), rate)
    rows = [{"prompt": "tone0.wav", "seed": 5}, *({"seed": s} for s in range(count - 3))]
    (folder / "requests.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8"
    )
    return count
