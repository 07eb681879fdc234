"""The anomaly detector's infer.py scores a CSV window by window: the windows tile the file
(the last one ending at its last row), each with its score, the calibrated threshold and its
flag; a spike far off the training range is flagged on its own line, and --threshold moves
the line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.trained_runs import SCALE, briefly_trained

pytestmark = pytest.mark.slow

SPIKE_STDS = 50  # the spike's height, in the training set's standard deviations


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return briefly_trained(EXAMPLES / "time_series" / "anomaly_detector_autoencoder.yaml",
                           tmp_path_factory.mktemp("detector"))  # fmt: skip


def scored(run: Path, path: Path, out: Path, *options: str) -> list[dict]:
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), str(path), "--out", str(out), *options],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_windows_tile_the_file_and_the_spike_is_flagged(run, tmp_path) -> None:
    info = json.loads((run / "train" / SCALE / "data_info.json").read_text(encoding="utf-8"))
    metrics = json.loads((run / "train" / SCALE / "metrics.json").read_text(encoding="utf-8"))
    window, rows = info["window"], int(2.5 * info["window"])  # two windows and an overlap
    values = info["mean"][0] + info["std"][0] * np.sin(2 * np.pi * np.arange(rows) / 24)
    spike = window + 7  # a row of the second window
    values[spike] += SPIKE_STDS * info["std"][0]
    path = tmp_path / "readings.csv"
    path.write_text("time,x0\n" + "".join(f"{t},{v:.5f}\n" for t, v in enumerate(values)),
                    encoding="utf-8")  # fmt: skip
    windows = scored(run, path, tmp_path / "scores.jsonl")
    first_lines = [int(w["input"].rsplit(":", 1)[1]) for w in windows]
    assert first_lines == [2, 2 + window, 2 + rows - window]  # the header is line 1
    assert [w["last_line"] - int(w["input"].rsplit(":", 1)[1]) for w in windows] == [window - 1] * 3
    assert all(w["threshold"] == pytest.approx(metrics["eval"]["threshold"], abs=1e-6)
               for w in windows)  # fmt: skip
    assert windows[1]["anomaly"] and spike + 2 in windows[1]["anomalous_lines"]
    assert windows[1]["score"] >= windows[1]["threshold"]
    for w in windows:
        assert w["anomaly"] == (w["score"] >= w["threshold"]) == bool(w["anomalous_lines"])
    raised = scored(run, path, tmp_path / "raised.jsonl", "--threshold", "1e12")
    assert not any(w["anomaly"] for w in raised)


def test_a_file_shorter_than_a_window_is_refused_in_one_line(run, tmp_path) -> None:
    window = json.loads((run / "train" / SCALE / "data_info.json").read_text("utf-8"))["window"]
    path = tmp_path / "short.csv"
    path.write_text("time,x0\n0,1.0\n1,2.0\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), str(path)], capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {path} has 2 rows; the model scores windows of {window}: give it at least {window}"
    ]
