"""A JSONL of labelled texts under other keys than `text` and `label`: the data config's
text_column and label_column name them (the spec's data.text and data.label), for
classification and regression; a line without them names the keys it has."""

from __future__ import annotations

import json

import pytest

from metagen.data.text_jsonl import read_jsonl_records
from metagen.data.text_records import text_classification_datasets


def test_classification_reads_the_keys_the_config_names(tmp_path) -> None:
    lines = [{"body": f"about {t} {i}", "topic": t} for i in range(10) for t in ("cats", "cars")]
    path = tmp_path / "texts.jsonl"
    path.write_text("\n".join(map(json.dumps, lines)), encoding="utf-8")
    cfg = {"kind": "text", "seq_len": 32, "val_fraction": 0.2,
           "text_column": "body", "label_column": "topic"}  # fmt: skip
    train, val, info = text_classification_datasets(cfg, str(path), 0)
    assert (len(train), len(val), info["class_names"]) == (16, 4, ["cars", "cats"])


def test_regression_reads_them_too_and_a_missing_key_is_named(tmp_path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_text('{"review": "fine", "stars": 4}\n{"review": "bad", "stars": 1}\n')
    assert read_jsonl_records(path, "regression", "review", "stars") == [
        ("fine", 4.0),
        ("bad", 1.0),
    ]
    with pytest.raises(ValueError, match=r":1: the object has no 'label' key \(keys: review"):
        read_jsonl_records(path, "classification", "review")
