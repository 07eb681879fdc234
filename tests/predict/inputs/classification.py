"""Inputs for a classifier's infer.py, of the kind its run was trained on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image
from tests.predict.inputs.records import write_record_inputs

from metagen.data.audio_io import write_wav


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` inputs in `folder`; the number of predictions they should get."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    config = json.loads((run / "code" / "config.json").read_text(encoding="utf-8"))
    kind = config["scales"]["smoke"]["data"]["kind"]
    rng = np.random.default_rng(0)
    if kind == "image":
        side, channels = info["image_size"], info["channels"]
        for i in range(count):
            pixels = rng.integers(0, 256, (side, side, channels), dtype=np.uint8)
            Image.fromarray(pixels.squeeze(-1) if channels == 1 else pixels).save(
                folder / f"{i}.png"
            )
        return count
    if kind == "audio":  # tones of a pitch each, a clip's length at the trained rate
        rate = info["sample_rate"]
        for i in range(count):
            time = np.arange(info["clip_samples"]) / rate
            write_wav(folder / f"{i}.wav", 0.5 * np.sin(2 * np.pi * 220 * (i + 1) * time), rate)
        return count
    if kind == "video":  # .npy clips (frames, height, width, channels) of the trained size
        height, width = info["resolution"]
        for i in range(count):
            frames = rng.integers(0, 256, (info["num_frames"], height, width, info["channels"]))
            np.save(folder / f"{i}.npy", frames.astype(np.uint8))
        return count
    if kind in ("text", "tabular", "series"):
        return write_record_inputs(run, folder, count)
    raise NotImplementedError(f"no inputs written for a {kind} classifier yet")
