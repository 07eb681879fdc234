"""Tagged sentences split as the spec's data section says, as the other text readers do: named
training, validation and test files, a test share held out of training and validation; and
evaluate.py's held-out sentences, the test set or every sentence of --data, tagged with the
trained run's entity types."""

from __future__ import annotations

import json

import pytest

from metagen.tasks.runtime import build_datasets
from metagen.tasks.sequence_labeling.data import word_id

CFG = {"seq_len": 6, "vocab_size": 1_000_000, "val_fraction": 0.25}  # no word ids collide


def sentence(i: int, kind: str = "PER") -> dict:
    return {"tokens": [f"w{i}", "lives", "here"], "tags": [f"B-{kind}", "O", "O"]}


def write(path, sentences):
    path.write_text("".join(json.dumps(s) + "\n" for s in sentences), encoding="utf-8")
    return path


def first_words(dataset) -> list[int]:
    """Each sentence's first word, as the index its hashed id stands for."""
    ids = {word_id(f"w{i}", CFG["vocab_size"]): i for i in range(300)}
    return [ids[int(dataset[k]["input_ids"][0])] for k in range(len(dataset))]


def scored(cfg: dict, source, info: dict, held_out: str = "test"):
    return build_datasets(
        "sequence_labeling", {**cfg, "held_out": held_out, "trained_info": info}, str(source)
    )


def test_a_test_share_is_held_out_of_training_and_validation(tmp_path):
    path = write(tmp_path / "ner.jsonl", [sentence(i) for i in range(20)])
    cfg = {**CFG, "test_fraction": 0.2}
    train, val, info = build_datasets("sequence_labeling", cfg, str(path))
    assert first_words(train) == list(range(12))  # the last 20%, then the last 25% of the rest
    assert first_words(val) == list(range(12, 16))
    assert first_words(scored(cfg, path, info)[1]) == list(range(16, 20))


def test_named_files_are_the_validation_split_and_the_test_set(tmp_path):
    write(tmp_path / "fit.jsonl", [sentence(i) for i in range(10)])
    write(tmp_path / "check.jsonl", [sentence(i) for i in range(100, 103)])
    write(tmp_path / "final.jsonl", [sentence(i) for i in range(200, 202)])
    cfg = {**CFG, "train_file": "fit.jsonl", "val_file": "check.jsonl", "test_file": "final.jsonl"}
    train, val, info = build_datasets("sequence_labeling", cfg, str(tmp_path))
    assert (first_words(train), first_words(val)) == (list(range(10)), [100, 101, 102])
    assert first_words(scored(cfg, tmp_path, info)[1]) == [200, 201]


def test_a_given_file_is_tagged_whole_with_the_trained_types(tmp_path):
    training = [sentence(i, "PER" if i % 2 else "LOC") for i in range(12)]
    _, _, info = build_datasets(
        "sequence_labeling", CFG, str(write(tmp_path / "t.jsonl", training))
    )
    given = write(tmp_path / "new.jsonl", [sentence(50, "PER"), sentence(51, "PER")])
    _, held_out, read = scored(CFG, given, info, "given")
    assert first_words(held_out) == [50, 51]
    assert read["tag_names"] == info["tag_names"] == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
    assert held_out[0]["targets"][:3].tolist() == [3, 0, 0]  # B-PER as the run numbered it
    unknown = write(tmp_path / "odd.jsonl", [sentence(60, "ORG"), sentence(61)])
    with pytest.raises(ValueError, match=r"odd.jsonl: entity types \['ORG'\] are not ones the"):
        scored(CFG, unknown, info, "given")


def test_a_validation_file_with_a_type_training_lacks_says_what_to_fix(tmp_path):
    write(tmp_path / "train.jsonl", [sentence(i) for i in range(6)])
    write(tmp_path / "val.jsonl", [sentence(7), sentence(8, "ORG")])
    with pytest.raises(ValueError) as raised:
        build_datasets("sequence_labeling", CFG, str(tmp_path))
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'val.jsonl'}: entity types ['ORG'] never occur")
    assert message.endswith("Add training sentences with them, or leave them out of val.jsonl.")
