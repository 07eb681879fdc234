"""Inputs for an anomaly detector's infer.py: CSV files of readings in its training format,
each exactly one window long, so that each gets one window's prediction."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` one-window CSVs of a seasonal series in `folder`; one prediction each."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    window, columns = info["window"], info["columns"]
    period = info.get("season_length") or window  # a table row's detector has no season
    rng = np.random.default_rng(0)
    for i in range(count):
        time = np.arange(i * window, (i + 1) * window)
        wave = np.sin(2 * np.pi * time / period)[:, None] * np.array(info["std"])
        values = np.array(info["mean"]) + wave + 0.1 * rng.normal(size=(window, len(columns)))
        lines = ["time," + ",".join(columns)]
        lines += [
            f"{t}," + ",".join(f"{v:.5f}" for v in row) for t, row in zip(time, values, strict=True)
        ]
        (folder / f"{i}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count
