"""The tabular ranker's infer.py ranks each query's rows: a row per CSV record, in the file's
order, whose ranks within its query run 1..n, best score first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.records import run_info
from tests.predict.trained_runs import SCALE, briefly_trained


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return briefly_trained(EXAMPLES / "tabular" / "tabular_ranker.yaml",
                           tmp_path_factory.mktemp("ranker"))  # fmt: skip


def test_each_querys_rows_are_ranked_by_score_in_the_files_order(run, tmp_path) -> None:
    info, rng = run_info(run), np.random.default_rng(1)
    queries = ["a", "b", "a", "c", "b", "a", "a"]  # interleaved, lists of 4, 2 and 1
    lines = [",".join(info["feature_names"] + ["query_id"])]
    lines += [",".join(f"{v:.4f}" for v in rng.normal(size=len(info["feature_names"]))) + f",{q}"
              for q in queries]  # fmt: skip
    path = tmp_path / "items.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "ranked.jsonl"
    done = subprocess.run([sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
                           str(run / "train" / SCALE), str(path), "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["input"] for row in rows] == [f"{path}:{line}" for line in range(2, 9)]
    assert [row["query"] for row in rows] == queries
    for query in set(queries):
        ranked = sorted((row for row in rows if row["query"] == query), key=lambda r: r["rank"])
        assert [row["rank"] for row in ranked] == list(range(1, queries.count(query) + 1))
        scores = [row["score"] for row in ranked]
        assert scores == sorted(scores, reverse=True)
