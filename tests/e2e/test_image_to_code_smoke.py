"""Image to code through `metagen train` at the smoke scale (slow): the built-in pairs are
written into the run, the model trains in the spec's three stages, and the generated
infer.py writes, for a picture of each kind, code of that kind: HTML for a mockup, a
matplotlib script for a chart, a function for a flowchart, a sentence for a screenshot."""

from __future__ import annotations

import json

import pytest
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow
STARTS = {"ui": "<div", "chart": "import matplotlib", "flowchart": "def "}


def test_smoke_run_writes_code_of_each_pictures_kind(tmp_path) -> None:
    spec = EXAMPLES / "multimodal" / "image_to_code.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "r"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run, out = tmp_path / "r", tmp_path / "r" / "train" / "smoke"
    metrics = read_json(out / "metrics.json")
    assert [s["name"] for s in metrics["stages"]] == ["language_model", "vision", "all"]
    assert metrics["stages"][0]["left_out"] == ["images"]
    (data,) = (run / "data").iterdir()  # written once, for this scale and seed
    assert read_json(out / "data_info.json")["source"] == str(data)
    lines = [json.loads(line) for line in (data / "test.jsonl").read_text().splitlines()]
    firsts = {kind: next(line for line in lines if line["kind"] == kind) for kind in
              ("ui", "chart", "flowchart", "code")}  # fmt: skip
    paths = [str(data / f["image"]) for f in firsts.values()]
    predictions = tmp_path / "code.jsonl"
    run_script(run / "code", "infer.py", *paths, "--checkpoint", str(out), "--out",
               str(predictions))  # fmt: skip
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [row["input"] for row in rows] == paths
    for kind, row in zip(firsts, rows, strict=True):
        code = row["code"]
        if kind in STARTS:
            assert code.startswith(STARTS[kind]), (kind, code)
        else:
            assert code.strip() and "\n" not in code.strip(), code  # one line of description
