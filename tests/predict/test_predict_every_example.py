"""Every example predicts through `metagen predict`: a folder of five inputs, written by the
task's `tests/predict/inputs/<task>.py`, gets its five predictions (issue 16), each naming the
input it came from. The examples below QUICK run in the default suite; all run as slow."""

from __future__ import annotations

import csv
import importlib
import json
import subprocess

import pytest
from tests.e2e.runs import METAGEN
from tests.paths import EXAMPLE_SPECS, EXAMPLES, spec_id
from tests.predict.trained_runs import briefly_trained

from metagen.planning import make_blueprint
from metagen.spec import load_spec

COUNT = 5
QUICK = {"image/shapes_cnn.yaml"}


def _task(spec) -> str:
    return make_blueprint(load_spec(spec)).task


def _marks(spec) -> list:
    return [] if spec_id(spec) in QUICK else [pytest.mark.slow]


def _cases() -> list:  # a list: pytest deprecates parametrizing over a generator
    return [pytest.param(spec, id=spec_id(spec), marks=_marks(spec)) for spec in EXAMPLE_SPECS]


@pytest.mark.parametrize("spec", _cases())
def test_a_folder_of_five_inputs_gets_five_predictions(spec, tmp_path) -> None:
    run = briefly_trained(spec, tmp_path / "runs")
    writer = importlib.import_module(f"tests.predict.inputs.{_task(spec)}")
    folder = tmp_path / "inputs"
    folder.mkdir()
    expected = writer.write_inputs(run, folder, COUNT)
    for out in (tmp_path / "predictions.jsonl", tmp_path / "predictions.csv"):
        done = subprocess.run([METAGEN, "predict", str(run), str(folder), "--out", str(out),
                               "--batch-size", "2"], capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        if out.suffix == ".jsonl":
            rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        else:
            # not splitlines(): a continuation's \x0b or \x85 is no CSV row's end
            with out.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        assert len(rows) == expected, rows
        assert all(row["input"] for row in rows)
        assert {row["input"].split(":")[0] for row in rows} <= {
            str(p) for p in folder.rglob("*") if p.is_file()
        }


def test_every_task_of_an_example_has_an_input_writer() -> None:
    tasks = {_task(spec) for spec in EXAMPLE_SPECS}
    missing = {t for t in tasks if not (EXAMPLES.parents[1] / "tests" / "predict" / "inputs" /
                                        f"{t}.py").is_file()}  # fmt: skip
    assert not missing
