"""The regressor's infer.py predicts each CSV row's targets in the target's own units (the
model's standardized outputs scaled back by the training set's mean and spread), one row per
record named by its file and line, whether the file carries the target column or not."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from tests.paths import EXAMPLES
from tests.predict.inputs.records import run_info
from tests.predict.inputs.regression import write_inputs
from tests.predict.trained_runs import SCALE, briefly_trained

from metagen.data.record_inputs import record_inputs
from metagen.report.predictions import load_trained


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    spec = EXAMPLES / "tabular" / "tabular_regressor.yaml"
    return briefly_trained(spec, tmp_path_factory.mktemp("regressor"))


def predicted(run: Path, *inputs: Path, out: Path) -> list[dict]:
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), *map(str, inputs), "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_each_row_gets_its_targets_in_the_targets_units(run, tmp_path) -> None:
    folder = tmp_path / "rows"
    folder.mkdir()
    count = write_inputs(run, folder, 5)
    rows = predicted(run, folder, out=tmp_path / "predictions.jsonl")
    info = run_info(run)
    assert len(rows) == count
    model, _, _ = load_trained(run, SCALE)
    expected = {}
    for path in sorted(folder.glob("*.csv")):
        inputs, names = record_inputs(path, info)
        with torch.no_grad():
            values = model(**inputs) * torch.tensor(info["target_std"]) + torch.tensor(
                info["target_mean"]
            )
        for name, value in zip(names, values.tolist(), strict=True):
            expected[f"{path}:{name.removeprefix('line ')}"] = value
    assert [row["input"] for row in rows] == list(expected)
    for row in rows:
        got = [row[target] for target in info["target_names"]]
        assert got == pytest.approx(expected[row["input"]], abs=1e-5)


def test_a_file_with_its_target_column_gets_the_same_predictions(run, tmp_path) -> None:
    folder = tmp_path / "rows"
    folder.mkdir()
    write_inputs(run, folder, 2)
    [path] = folder.glob("*.csv")
    table = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    with_target = tmp_path / "with_target.csv"
    target = run_info(run)["target_names"][0]
    with_target.write_text("\n".join(",".join(row + [name]) for row, name in
                                     zip(table, [target, "1.5", "-2"], strict=True)) + "\n",
                           encoding="utf-8")  # fmt: skip
    without = predicted(run, path, out=tmp_path / "a.jsonl")
    beside = predicted(run, with_target, out=tmp_path / "b.jsonl")
    assert [row[target] for row in beside] == [row[target] for row in without]
