"""The fusion classifier's infer.py reads samples files as training does: each line's inputs
(paths relative to the file), a label beside them ignored, a left-out input masked and named
in the row; a key that is no input of the model is refused in one line naming file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.fusion_classification import write_inputs
from tests.predict.trained_runs import SCALE, briefly_trained, run_infer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return briefly_trained(EXAMPLES / "multimodal" / "fusion_image_caption.yaml",
                           tmp_path_factory.mktemp("fusion"))  # fmt: skip


def test_samples_are_classified_with_left_out_inputs_masked(run, tmp_path) -> None:
    count = write_inputs(run, tmp_path, 4)  # the last sample leaves out its first input
    labelled = tmp_path / "labelled.jsonl"
    first = json.loads((tmp_path / "samples_0.jsonl").read_text("utf-8").splitlines()[0])
    labelled.write_text(json.dumps({**first, "label": "class_0"}) + "\n", encoding="utf-8")
    out = tmp_path / "predictions.jsonl"
    done = run_infer(run, str(tmp_path / "samples_0.jsonl"), str(tmp_path / "samples_1.jsonl"),
                 str(labelled), "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    info = json.loads((run / "train" / SCALE / "data_info.json").read_text(encoding="utf-8"))
    assert len(rows) == count + 1
    assert [row["read"] for row in rows[:count]] == [
        ["image", "text"],
        ["image", "text"],
        ["image", "text"],
        ["text"],
    ]  # samples_0 holds samples 0 and 2, samples_1 samples 1 and 3 (the masked one)
    for row in rows:
        assert row["label"] in info["class_names"] and row["label"] == next(iter(row["top"]))
        assert row["probability"] == row["top"][row["label"]] and sum(row["top"].values()) <= 1
    assert rows[-1]["top"] == rows[0]["top"]  # the label read nowhere


def test_a_key_that_is_no_input_is_refused_naming_its_line(run, tmp_path) -> None:
    path = tmp_path / "typo.jsonl"
    path.write_text('{"text": "a red thing"}\n\n{"imgae": "x.png", "text": "a red thing"}\n',
                    encoding="utf-8")  # fmt: skip
    done = run_infer(run, str(path))
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        f"error: {path}:3: imgae is not an input of this model (its inputs: image, text); remove it"
    ]
