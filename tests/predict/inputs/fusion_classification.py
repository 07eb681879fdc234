"""Inputs for a fusion model's infer.py: a JSONL of samples in its training data's format, each
naming its inputs' files (beside the JSONL, in folders of their own) or giving its text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from metagen.data.audio_io import write_wav

PARTS = 2  # samples files: a folder of several, as a user would give


def _write_input(name: str, dims: dict, folder: Path, i: int, rng) -> str | list:
    """One sample's `name` input, written under `folder` where it is a file: its JSONL value."""
    if name == "text":
        return f"a {('red', 'green', 'blue')[i % 3]} thing, number {i}"
    if name == "tabular":
        return [round(float(v), 4) for v in rng.normal(size=dims["num_features"])]
    (folder / name).mkdir(exist_ok=True)
    if name == "image":
        side = dims["image_size"]
        Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8)).save(
            folder / name / f"{i}.png"
        )
        return f"{name}/{i}.png"
    if name == "audio":
        time = np.arange(dims["audio_samples"]) / dims["audio_sample_rate"]
        wave = 0.5 * np.sin(2 * np.pi * 110 * (i + 1) * time)
        write_wav(folder / name / f"{i}.wav", wave, dims["audio_sample_rate"])
        return f"{name}/{i}.wav"
    if name == "video":
        shape = (dims["video_frames"], dims["video_height"], dims["video_width"], 3)
        np.save(folder / name / f"{i}.npy", rng.integers(0, 256, shape, dtype=np.uint8))
        return f"{name}/{i}.npy"
    if name == "sensor":  # a row per time step, a column per channel
        readings = rng.normal(size=(dims["sensor_steps"], dims["sensor_channels"]))
        np.savetxt(folder / name / f"{i}.csv", readings, delimiter=",", fmt="%.5f")
        return f"{name}/{i}.csv"
    raise NotImplementedError(f"no {name} input written for a fusion model")


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` samples in `folder`, the last without its first input (masked); one prediction
    each."""
    metrics = json.loads((run / "train" / "smoke" / "metrics.json").read_text(encoding="utf-8"))
    dims, rng = metrics["model_dims"], np.random.default_rng(0)
    samples = [
        {name: _write_input(name, dims, folder, i, rng) for name in dims["modalities"]}
        for i in range(count)
    ]
    del samples[-1][dims["modalities"][0]]
    for part in range(PARTS):
        lines = [json.dumps(sample) + "\n" for sample in samples[part::PARTS]]
        (folder / f"samples_{part}.jsonl").write_text("".join(lines), encoding="utf-8")
    return count
