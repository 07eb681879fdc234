"""Anomaly detectors trained as a user would (slow): on held-out synthetic data with
labelled anomalies, each must beat a random score and a flag-everything detector by the
margins below; the generated infer.py flags injected spikes in a CSV."""

from __future__ import annotations

import json
import math

import pytest
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow

TABULAR_SPEC = """
metagen_version: "1.0"
name: rows
modality: {inputs: [tabular], outputs: [label], tabular: {num_features: 12}}
task: {type: anomaly_detection}
constraints: {parameter_budget: {max: "100k"}}
architecture: {family: autoencoder}
"""

# Held-out (second half) ROC-AUC at least this far above the random score's, average
# precision at least this many times the random score's, F1 this far above flagging all.
ROC_AUC_MARGIN = 0.25
AVERAGE_PRECISION_RATIO = 5.0
F1_MARGIN = 0.3


def check_margins(scores: dict) -> None:
    assert scores["roc_auc"] >= scores["random_roc_auc"] + ROC_AUC_MARGIN, scores
    assert (
        scores["average_precision"] >= AVERAGE_PRECISION_RATIO * scores["random_average_precision"]
    ), scores
    assert scores["f1"] >= scores["all_anomalous_f1"] + F1_MARGIN, scores


def spiky_csv(path) -> list[int]:
    """A seasonal series (period 24, as the example's) with two spikes; their 1-based rows."""
    rows = ["time,value"]
    for i in range(480):
        value = 10 + 2 * (math.sin(2 * math.pi * i / 24) + 0.3 * math.sin(4 * math.pi * i / 24 + 1))
        value += 0.2 * math.sin(12.9898 * i)  # deterministic wiggle
        value += 5.0 if i in (100, 377) else 0.0
        rows.append(f"{i},{value:.5f}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [101, 378]


def test_vae_example_detects_series_anomalies(tmp_path) -> None:
    spec = EXAMPLES / "time_series" / "anomaly_detector_autoencoder.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "vae"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "vae"
    check_margins(read_json(run / "train" / "smoke" / "metrics.json")["eval"])
    data = tmp_path / "spiky.csv"
    spikes = spiky_csv(data)
    scored = tmp_path / "scores.jsonl"
    run_script(run / "code", "infer.py", "--checkpoint", str(run / "train" / "smoke"), str(data),
               "--out", str(scored))  # fmt: skip
    windows = [json.loads(line) for line in scored.read_text(encoding="utf-8").splitlines()]
    # file lines: the header is line 1, so row r is line r + 1
    flagged = {line - 1 for window in windows for line in window["anomalous_lines"]}
    assert set(spikes) <= flagged and len(flagged) <= 10, windows


def test_tabular_autoencoder_detects_off_manifold_rows(tmp_path) -> None:
    spec = tmp_path / "rows.yaml"
    spec.write_text(TABULAR_SPEC, encoding="utf-8")
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "rows"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    check_margins(read_json(tmp_path / "rows" / "train" / "smoke" / "metrics.json")["eval"])
