"""The robot policy's infer.py gives each sample its actions by name (the training data's
action names), with either input left out masked."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.fusion_regression import write_inputs
from tests.predict.trained_runs import SCALE, briefly_trained

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return briefly_trained(EXAMPLES / "multimodal" / "fusion_robot_policy.yaml",
                           tmp_path_factory.mktemp("policy"))  # fmt: skip


def test_each_sample_gets_every_named_action(run, tmp_path) -> None:
    count = write_inputs(run, tmp_path, 3)
    out = tmp_path / "actions.csv"
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), str(tmp_path), "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    info = json.loads((run / "train" / SCALE / "data_info.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == count and list(rows[0])[: 1 + len(info["action_names"])] == [
        "input",
        *info["action_names"],
    ]
    assert all(math.isfinite(float(row[name])) for row in rows for name in info["action_names"])
    # samples_0 holds samples 0 and 2 (its image left out), samples_1 sample 1
    reads = [json.loads(row["read"]) for row in rows]
    assert reads == [["image", "sensor"], ["sensor"], ["image", "sensor"]]
