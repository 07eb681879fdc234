"""Taggers trained as a user would (slow): on held-out sentences each must reach an entity
F1 far above the all-O tagger's (0), from synthetic data and from a JSONL file."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

from metagen.tasks.sequence_labeling.data_synthetic import synthetic_tagged_sentence

pytestmark = pytest.mark.slow

BILSTM_SPEC = """
metagen_version: "1.0"
name: bilstm_tagger
modality: {inputs: [text], outputs: [label]}
task: {type: sequence_labeling}
constraints: {parameter_budget: {max: "2M"}, context_window: 48}
architecture: {family: rnn, variant: bilstm_crf}
"""

# Held-out entity F1 at least this far above the all-O tagger's.
ENTITY_F1_MARGIN = 0.8


def test_ner_example_tags_entities(tmp_path) -> None:
    result, _ = metagen_train(
        str(EXAMPLES / "text" / "ner_tagger.yaml"),
        "--scale",
        "smoke",
        "--out",
        str(tmp_path),
        "--run-id",
        "ner",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "ner"
    scores = read_json(run / "train" / "smoke" / "metrics.json")["eval"]
    assert scores["entity_f1"] >= scores["all_o_entity_f1"] + ENTITY_F1_MARGIN, scores
    sentence = tmp_path / "sentence.txt"
    sentence.write_text("Grace Novak flew from Lima to Cape Town with 40 colleagues .\n")
    predictions = tmp_path / "predictions.jsonl"
    run_script(run / "code", "infer.py", "--checkpoint", str(run / "train" / "smoke"),
               str(sentence), "--out", str(predictions))  # fmt: skip
    [row] = [json.loads(line) for line in predictions.read_text().splitlines()]
    entities = {(entity["type"], entity["text"]) for entity in row["entities"]}
    assert {("LOC", "Cape Town"), ("PER", "Grace Novak")} <= entities, row


def test_bilstm_crf_trains_on_a_jsonl_file(tmp_path) -> None:
    rng = np.random.default_rng(123)
    lines = []
    for _ in range(3000):
        words, tags = synthetic_tagged_sentence(rng)
        lines.append(json.dumps({"tokens": words, "tags": tags}))
    data = tmp_path / "sentences.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = tmp_path / "bilstm.yaml"
    spec.write_text(BILSTM_SPEC, encoding="utf-8")
    result, _ = metagen_train(
        str(spec),
        "--scale",
        "smoke",
        "--data",
        str(data),
        "--out",
        str(tmp_path),
        "--run-id",
        "bilstm",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    info = read_json(tmp_path / "bilstm" / "train" / "smoke" / "data_info.json")
    assert info["num_val"] == 300 and info["entity_types"] == ["LOC", "NUM", "ORG", "PER"]
    scores = read_json(tmp_path / "bilstm" / "train" / "smoke" / "metrics.json")["eval"]
    assert scores["entity_f1"] >= scores["all_o_entity_f1"] + ENTITY_F1_MARGIN, scores
