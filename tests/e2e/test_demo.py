"""`metagen demo` as a new user runs it: the whole thing, timed (slow: about two minutes)."""

from __future__ import annotations

import time

import pytest
from tests.e2e.runs import METAGEN, read_json

pytestmark = pytest.mark.slow


def test_demo_finishes_within_three_minutes(tmp_path) -> None:
    import subprocess

    start = time.perf_counter()
    result = subprocess.run(
        [str(METAGEN), "demo", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - start
    assert result.returncode == 0, result.stderr[-3000:]
    assert wall <= 180, f"demo took {wall:.0f} s"
    for name in ("text_llm", "resnet50"):
        metrics = read_json(tmp_path / name / "train" / "smoke" / "metrics.json")
        assert metrics["completed"]
        assert (tmp_path / name / "docs" / "model_card.md").read_text().count("Held-out") >= 1
    lm = read_json(tmp_path / "text_llm" / "train" / "smoke" / "data_info.json")
    lm_metrics = read_json(tmp_path / "text_llm" / "train" / "smoke" / "metrics.json")
    assert lm_metrics["eval"]["loss"] < lm["unigram_entropy_nats"]
    assert (
        read_json(tmp_path / "resnet50" / "train" / "smoke" / "metrics.json")["eval"]["accuracy"]
        >= 0.9
    )
    # it ends with something to look at, read back from what the runs wrote
    generated = read_json(
        tmp_path / "text_llm" / "train" / "smoke" / "predictions" / "predictions.json"
    )
    assert repr(generated["samples"][0]["generated"][:200]) in result.stdout
    classified = read_json(tmp_path / "resnet50" / "train" / "smoke" / "plots" / "samples.json")
    assert repr(classified["samples"][0]["predicted"]) in result.stdout
    for name in ("text_llm", "resnet50"):
        report = tmp_path / name / "train" / "smoke" / "report.html"
        assert report.is_file() and f"report: {report}" in result.stdout
