"""One small trained run, shared by the report, paper, compare, model-card and export tests:
a tabular classifier smoke-trained for 30 steps by `metagen train`, as a user runs it (about
20 s)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from tests.e2e.runs import metagen_train
from tests.paths import EXAMPLES

TRAINED_SPEC = EXAMPLES / "tabular" / "tabular_classifier.yaml"


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory) -> Path:
    parent = tmp_path_factory.mktemp("trained")
    result, _ = metagen_train(
        str(TRAINED_SPEC), "--scale", "smoke", "--steps", "30", "--out", str(parent),
        "--run-id", "tabular",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    run = parent / "tabular"
    run.joinpath("train_stdout.txt").write_text(result.stdout, encoding="utf-8")
    return run


# Plans estimate `cpu` latency from this machine's calibration once `metagen calibrate` has
# run; tests plan against the stated reference CPU instead, the same on every machine.
os.environ["METAGEN_CPU_CALIBRATION"] = str(
    Path(tempfile.gettempdir()) / "metagen-tests-uncalibrated" / "cpu_calibration.json"
)
