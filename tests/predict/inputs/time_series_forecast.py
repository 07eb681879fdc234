"""Inputs for a forecaster's infer.py: CSV histories in its training format (a date column,
the value columns), each of one lookback; each gets a forecast row per horizon step."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` histories in `folder`; the number of forecast rows they should get."""
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))
    lookback, columns = info["lookback"], info["columns"]
    rng = np.random.default_rng(0)
    for i in range(count):
        steps = np.arange(lookback)
        season = np.sin(2 * np.pi * steps / info["season_length"])[:, None]
        values = 10 + season + 0.1 * rng.normal(size=(lookback, len(columns)))
        days = [date(2024, 1, 1) + timedelta(days=int(s)) for s in steps]
        lines = ["date," + ",".join(columns)]
        lines += [
            f"{d}," + ",".join(f"{v:.5f}" for v in row) for d, row in zip(days, values, strict=True)
        ]
        (folder / f"{i}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return count * info["horizon"]
