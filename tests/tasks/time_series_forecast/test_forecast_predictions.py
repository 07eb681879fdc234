"""The forecaster's infer.py forecasts `horizon` steps after each history CSV's last row: a
row per step, its value the model's forecast from the file's last `lookback` rows, dated on
from the file's time column as its last two rows are spaced (days, whole months, hours,
years), and undated where the file has no time column."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import torch
from tests.paths import EXAMPLES
from tests.predict.trained_runs import SCALE, briefly_trained

from metagen.report.predictions import load_trained

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return briefly_trained(EXAMPLES / "time_series" / "time_series_forecaster.yaml",
                           tmp_path_factory.mktemp("forecaster"))  # fmt: skip


def months_after(start: date, months: int) -> date:
    return date(
        start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1
    )


def test_each_history_gets_its_horizon_dated_on(run, tmp_path) -> None:
    dims = json.loads((run / "train" / SCALE / "metrics.json").read_text("utf-8"))["model_dims"]
    lookback, horizon = dims["lookback"], dims["horizon"]
    values = np.round(10 + np.sin(2 * np.pi * np.arange(lookback + 5) / 24), 5)  # as written
    stamps = {  # the file's time column, and the dates the forecast must carry
        "days": ("date", [str(date(2024, 1, 1) + timedelta(days=i)) for i in range(len(values))]),
        "months": ("month", [str(months_after(date(2015, 1, 1), i)) for i in range(len(values))]),
        "hours": (
            "time",
            [(datetime(2024, 3, 1) + timedelta(hours=i)).isoformat() for i in range(len(values))],
        ),  # fmt: skip
        "years": ("year", [str(1800 + i) for i in range(len(values))]),
    }
    for name, (column, times) in stamps.items():
        (tmp_path / f"{name}.csv").write_text(f"{column},load\n" + "".join(
            f"{t},{v:.5f}\n" for t, v in zip(times, values, strict=True)), encoding="utf-8")  # fmt: skip
    (tmp_path / "undated.csv").write_text("load\n" + "".join(f"{v:.5f}\n" for v in values), "utf-8")
    out = tmp_path / "forecast.jsonl"
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), str(tmp_path), "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_file = {p.stem: [r for r in rows if r["input"] == str(p)] for p in tmp_path.glob("*.csv")}
    for forecast in by_file.values():
        assert [row["step"] for row in forecast] == list(range(1, horizon + 1))
    last_day = date.fromisoformat(stamps["days"][1][-1])
    assert [r["date"] for r in by_file["days"]] == [
        str(last_day + timedelta(days=k)) for k in range(1, horizon + 1)
    ]
    assert [r["date"] for r in by_file["months"]] == [
        str(months_after(date(2015, 1, 1), len(values) - 1 + k)) for k in range(1, horizon + 1)
    ]
    last_hour = datetime.fromisoformat(stamps["hours"][1][-1])
    assert [datetime.fromisoformat(r["date"]) for r in by_file["hours"]] == [
        last_hour + timedelta(hours=k) for k in range(1, horizon + 1)
    ]
    assert [r["date"] for r in by_file["years"]] == [
        int(stamps["years"][1][-1]) + k for k in range(1, horizon + 1)
    ]
    assert not any("date" in r for r in by_file["undated"])
    # the values: the library's model on the file's last lookback rows
    model, _, _ = load_trained(run, SCALE)
    past = torch.tensor(values[-lookback:], dtype=torch.float32).reshape(1, lookback, 1)
    with torch.no_grad():
        expected = model(past=past)[0].tolist()
    for forecast in by_file.values():
        assert [r["value"] for r in forecast] == pytest.approx(expected, abs=1e-4)


def test_a_history_shorter_than_the_lookback_is_refused_in_one_line(run, tmp_path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("date,load\n2024-01-01,1.0\n2024-01-02,2.0\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), str(path)], capture_output=True,
                          text=True)  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"error: {path} has 2")
