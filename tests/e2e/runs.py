"""Run a generated package's scripts the way a user would: as processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.paths import REPO

METAGEN = REPO / ".venv" / "bin" / "metagen"


def run_script(code: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args], cwd=code, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def metagen_train(*args: str, timeout: int = 300) -> tuple[subprocess.CompletedProcess, float]:
    """`metagen train ARGS` in its own process group: on a timeout the whole group is killed,
    so its train.py child does not go on training after the test has failed."""
    start = time.perf_counter()
    command = [str(METAGEN), "train", *args]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    ) as process:  # fmt: skip
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return result, time.perf_counter() - start


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def loss_drop(metrics: dict) -> float:
    """1 - (mean loss of the last 10 steps) / (mean loss of the first 10)."""
    losses = [point[1] for point in metrics["loss_curve"]]
    return 1 - mean(losses[-10:]) / mean(losses[:10])
