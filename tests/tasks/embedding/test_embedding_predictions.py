"""The sentence embedder's infer.py gives each text a unit vector of the model's width,
whichever way the text comes (a .txt file, a JSONL row, a CSV row): the same text, the same
vector."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.trained_runs import SCALE, briefly_trained

pytestmark = pytest.mark.slow

TEXTS = ("the cast was superb", "a dull and poor film")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return briefly_trained(EXAMPLES / "text" / "sentence_embedding.yaml",
                           tmp_path_factory.mktemp("embedder"))  # fmt: skip


def test_each_text_gets_the_same_unit_vector_from_any_file(run, tmp_path) -> None:
    (tmp_path / "one.txt").write_text(TEXTS[0], encoding="utf-8")
    lines = "".join(json.dumps({"text": text}) + "\n" for text in TEXTS)
    (tmp_path / "rows.jsonl").write_text(lines, encoding="utf-8")
    with (tmp_path / "rows.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["text"], *([text] for text in TEXTS)])
    out = tmp_path / "vectors.jsonl"
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), *(str(tmp_path / name) for name in
                           ("one.txt", "rows.jsonl", "rows.csv")), "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {row["input"]: np.array(row["embedding"])
            for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}  # fmt: skip
    width = json.loads((run / "train" / SCALE / "metrics.json").read_text())["model_dims"]
    assert list(rows) == [str(tmp_path / name) for name in
                          ("one.txt", "rows.jsonl:1", "rows.jsonl:2", "rows.csv:2", "rows.csv:3")]  # fmt: skip
    for vector in rows.values():
        assert vector.shape == (width["num_outputs"],)
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    same = [str(tmp_path / name) for name in ("one.txt", "rows.jsonl:1", "rows.csv:2")]
    for name in same[1:]:
        np.testing.assert_allclose(rows[name], rows[same[0]], atol=1e-5)
    assert not np.allclose(rows[str(tmp_path / "rows.jsonl:2")], rows[same[0]], atol=1e-3)
