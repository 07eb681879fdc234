"""Sequence-labelling data: hashed word ids, the BIO tag scheme, synthetic sentences with
entity spans, and JSONL files with located errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metagen.tasks.runtime import build_datasets
from metagen.tasks.sequence_labeling.data import word_id
from metagen.tasks.sequence_labeling.data_synthetic import synthetic_tagged_sentence
from metagen.tasks.sequence_labeling.evaluate import bio_spans

CFG = {"seq_len": 12, "vocab_size": 1000, "val_fraction": 0.25, "num_train": 40, "num_val": 10}


def test_word_ids_are_stable_case_sensitive_and_never_padding() -> None:
    assert word_id("Paris", 1000) == word_id("Paris", 1000)
    assert word_id("Paris", 1000) != word_id("paris", 1000)
    assert all(1 <= word_id(w, 7) < 7 for w in ("a", "b", "Zürich", "42", "."))


def test_synthetic_sentences_carry_entity_spans() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        words, tags = synthetic_tagged_sentence(rng)
        assert len(words) == len(tags) and any(t != "O" for t in tags)
        assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    train, val, info = build_datasets("sequence_labeling", CFG, "synthetic", seed=1)
    assert info["tag_names"] == [
        "O",
        "B-LOC",
        "I-LOC",
        "B-NUM",
        "I-NUM",
        "B-ORG",
        "I-ORG",
        "B-PER",
        "I-PER",
    ]
    sample = train[0]
    length = int((sample["input_ids"] != 0).sum())
    assert (sample["targets"][:length] >= 0).all() and (sample["targets"][length:] == -100).all()
    assert bio_spans(sample["targets"][:length].tolist())


def write_jsonl(path, records) -> str:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n",
        encoding="utf-8",
    )
    return str(path)


def test_jsonl_file_split_tags_and_truncation(tmp_path) -> None:
    records = [
        {
            "tokens": ["Ada", "met", "Bo", "in", "Rome"],
            "tags": ["B-PER", "O", "B-PER", "O", "B-GPE"],
        }
    ] * 6
    records.append({"tokens": ["w"] * 20, "tags": ["O"] * 20})
    records.append({"tokens": ["Mr", "Li"], "tags": ["O", "I-PER"]})
    train, val, info = build_datasets(
        "sequence_labeling", CFG, write_jsonl(tmp_path / "a.jsonl", records)
    )
    assert (len(train), len(val)) == (6, 2)
    assert info["entity_types"] == ["GPE", "PER"] and info["num_classes"] == 5
    assert info["truncated_sentences"] == 1
    assert train[0]["targets"][:5].tolist() == [3, 0, 3, 0, 1]
    assert train[0]["input_ids"][0] == word_id("Ada", 1000)


def test_jsonl_folder_with_train_and_val(tmp_path) -> None:
    sentence = {"tokens": ["Ada"], "tags": ["B-PER"]}
    write_jsonl(tmp_path / "train.jsonl", [sentence] * 3)
    write_jsonl(tmp_path / "val.jsonl", [sentence])
    train, val, _ = build_datasets("sequence_labeling", CFG, str(tmp_path))
    assert (len(train), len(val)) == (3, 1)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"bad\.jsonl line 2: not valid JSON"),
        ('{"tokens": ["a"]}', r"line 2: the line needs an object with 'tokens' and 'tags'"),
        ('{"tokens": ["a", "b"], "tags": ["O"]}', r"line 2: 2 tokens but 1 tags"),
        ('{"tokens": [], "tags": []}', r"'tokens' must be a non-empty list"),
        (
            '{"tokens": ["a", 3], "tags": ["O", "O"]}',
            r"'tokens' must be a non-empty list of "
            r"non-empty strings",
        ),
        (
            '{"tokens": ["Ada"], "tags": ["PERSON"]}',
            r"line 2: tag 'PERSON' \(token 1, 'Ada'\) "
            r"is not a BIO tag",
        ),
    ],
)
def test_malformed_jsonl_gets_a_located_error(tmp_path, line, message) -> None:
    good = json.dumps({"tokens": ["a"], "tags": ["O"]})
    path = write_jsonl(tmp_path / "bad.jsonl", [good, line, good, good])
    with pytest.raises(ValueError, match=message):
        build_datasets("sequence_labeling", CFG, path)


def test_missing_files_and_tiny_files(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        build_datasets("sequence_labeling", CFG, str(tmp_path / "none.jsonl"))
    with pytest.raises(FileNotFoundError, match="must hold train.jsonl"):
        build_datasets("sequence_labeling", CFG, str(tmp_path))
    path = write_jsonl(tmp_path / "one.jsonl", [{"tokens": ["a"], "tags": ["O"]}])
    with pytest.raises(ValueError, match="1 sentences cannot be split"):
        build_datasets("sequence_labeling", CFG, path)
