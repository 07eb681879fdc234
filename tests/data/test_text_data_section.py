"""The text readers split a user's files as the spec's data section says, as the tabular reader
does: a named validation file is the validation split, a named test file (or test_fraction's
share) is held out for evaluate.py and never trained or validated on, val_fraction sets the
validation share; a held-out file with a class (or entity type) the training file lacks, or
without the text column, is one paragraph naming the file and the fix."""

from __future__ import annotations

import csv
import json

import pytest

from metagen.data.image_folder import split_indices
from metagen.tasks.runtime import build_datasets

CFG = {"kind": "text", "seq_len": 32, "val_fraction": 0.1, "tokenizer": "byte"}


def jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def reviews(count: int, start: int = 0, classes: str = "ab") -> list[dict]:
    """Texts that name their index, labelled in turn by `classes`."""
    return [{"text": named(i), "label": classes[i % len(classes)]}
            for i in range(start, start + count)]  # fmt: skip


def named(i: int) -> str:
    return f"text {i:03d}"  # one length: no text is cut


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def texts_of(dataset) -> list[str]:
    """The byte tokenizer's texts back: bos, then the bytes, up to the padding."""
    rows = []
    for i in range(len(dataset)):
        ids = dataset[i]["input_ids"][dataset[i]["attention_mask"].bool()].tolist()
        rows.append(bytes(ids[1:]).decode("utf-8"))
    return rows


def scored(cfg: dict, source, info: dict, held_out: str = "test"):
    """What evaluate.py reads: the held-out set of a trained run."""
    return build_datasets(
        "classification", {**cfg, "held_out": held_out, "trained_info": info}, str(source), 0
    )


def test_test_fraction_is_held_out_of_training_and_validation(tmp_path):
    path = jsonl(tmp_path / "texts.jsonl", reviews(200))
    cfg = {**CFG, "val_fraction": 0.1, "test_fraction": 0.2}
    train, val, info = build_datasets("classification", cfg, str(path), 0)
    assert (len(train), len(val)) == (144, 16)  # 72/8/20 of 200 texts
    _, test, _ = scored(cfg, path, info)
    assert len(test) == 40
    parts = [set(texts_of(part)) for part in (train, val, test)]
    assert not parts[0] & parts[2] and not parts[1] & parts[2] and not parts[0] & parts[1]
    assert parts[0] | parts[1] | parts[2] == {named(i) for i in range(200)}
    labels = test.tensors["labels"].tolist()
    assert labels.count(0) == labels.count(1) == 20  # stratified by class


def test_without_a_test_share_the_split_is_the_one_before_the_data_section(tmp_path):
    path = jsonl(tmp_path / "texts.jsonl", reviews(50))
    train, val, _ = build_datasets("classification", {**CFG, "val_fraction": 0.2}, str(path), 3)
    labels = ["ab"[i % 2] for i in range(50)]
    expected = split_indices(50, 0.2, 3, labels)
    assert (texts_of(train), texts_of(val)) == tuple([named(i) for i in part] for part in expected)


def test_named_files_are_the_validation_split_and_the_test_set(tmp_path):
    jsonl(tmp_path / "fit.jsonl", reviews(30))
    jsonl(tmp_path / "check.jsonl", reviews(6, start=100))
    jsonl(tmp_path / "final.jsonl", reviews(4, start=200, classes="ba"))
    cfg = {**CFG, "train_file": "fit.jsonl", "val_file": "check.jsonl", "test_file": "final.jsonl"}
    for source in (tmp_path, tmp_path / "fit.jsonl"):  # the folder, or a file in it
        train, val, info = build_datasets("classification", cfg, str(source), 0)
        assert texts_of(train) == [named(i) for i in range(30)]
        assert texts_of(val) == [named(i) for i in range(100, 106)]
        _, test, _ = scored(cfg, source, info)
        assert texts_of(test) == [named(i) for i in range(200, 204)]
        assert test.tensors["labels"].tolist() == [1, 0, 1, 0]  # b, a, b, a


def test_a_csv_folder_with_named_files_and_a_text_column(tmp_path):
    header = ["id", "review", "label"]
    write_csv(tmp_path / "fit.csv", header, [[i, f"text {i}", "ab"[i % 2]] for i in range(20)])
    write_csv(tmp_path / "check.csv", header, [[i, f"text {i}", "a"] for i in range(50, 53)])
    write_csv(tmp_path / "final.csv", header, [[i, f"text {i}", "b"] for i in range(60, 62)])
    cfg = {**CFG, "text_column": "review", "train_file": "fit.csv", "val_file": "check.csv"}
    cfg["test_file"] = "final.csv"
    train, val, info = build_datasets("classification", cfg, str(tmp_path), 0)
    assert (len(train), texts_of(val)) == (20, ["text 50", "text 51", "text 52"])
    assert info["text_column"] == "review"
    _, test, _ = scored(cfg, tmp_path, info)
    assert texts_of(test) == ["text 60", "text 61"]


def test_a_declared_test_file_in_a_folder_is_not_used_for_validation(tmp_path):
    jsonl(tmp_path / "train.jsonl", reviews(40))
    jsonl(tmp_path / "test.jsonl", reviews(10, start=100))
    _, val, info = build_datasets("classification", CFG, str(tmp_path), 0)
    assert len(val) == 10  # no declaration: the folder's test.jsonl validates, as before
    declared = {**CFG, "test_file": "test.jsonl"}
    _, val, info = build_datasets("classification", declared, str(tmp_path), 0)
    assert len(val) == 4 and not set(texts_of(val)) & {named(i) for i in range(100, 110)}
    _, test, _ = scored(declared, tmp_path, info)
    assert len(test) == 10
    # a folder's val.jsonl beside its test.jsonl: validation, and the test set for evaluate.py
    jsonl(tmp_path / "val.jsonl", reviews(6, start=300))
    _, val, info = build_datasets("classification", CFG, str(tmp_path), 0)
    assert len(val) == 6
    assert len(scored(CFG, tmp_path, info)[1]) == 10


def test_without_a_test_set_evaluate_scores_validation(tmp_path):
    path = jsonl(tmp_path / "texts.jsonl", reviews(40))
    _, val, info = build_datasets("classification", CFG, str(path), 0)
    assert texts_of(scored(CFG, path, info)[1]) == texts_of(val)


def test_a_validation_label_the_training_file_lacks_says_what_to_fix(tmp_path):
    jsonl(tmp_path / "train.jsonl", reviews(10))
    jsonl(tmp_path / "val.jsonl", reviews(3, classes="abz"))
    with pytest.raises(ValueError) as raised:
        build_datasets("classification", CFG, str(tmp_path), 0)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'val.jsonl'}: held-out labels ['z'] never occur")
    assert "Add training records of those classes, or leave them out" in message
    assert "\n" not in message


def test_a_test_label_the_model_never_saw_is_refused_by_name(tmp_path):
    jsonl(tmp_path / "train.jsonl", reviews(20))
    jsonl(tmp_path / "final.jsonl", reviews(3, classes="abz"))
    cfg = {**CFG, "test_file": "final.jsonl"}
    _, _, info = build_datasets("classification", cfg, str(tmp_path), 0)
    with pytest.raises(ValueError, match=r"final.jsonl: class 'z' is not one the model was"):
        scored(cfg, tmp_path, info)


def test_a_validation_csv_without_the_text_column_names_the_file_and_the_fix(tmp_path):
    write_csv(
        tmp_path / "train.csv", ["review", "label"], [[f"t {i}", "ab"[i % 2]] for i in range(8)]
    )
    write_csv(tmp_path / "val.csv", ["body", "label"], [["t", "a"], ["u", "b"]])
    cfg = {**CFG, "text_column": "review"}
    with pytest.raises(ValueError, match=r"val.csv:1: the header has no 'review' column") as raised:
        build_datasets("classification", cfg, str(tmp_path), 0)
    assert "data.text" in str(raised.value)


def test_a_missing_named_file_names_the_spec_field(tmp_path):
    jsonl(tmp_path / "train.jsonl", reviews(10))
    with pytest.raises(ValueError, match=r"nope.jsonl: no such file \(data.validation"):
        build_datasets("classification", {**CFG, "val_file": "nope.jsonl"}, str(tmp_path), 0)


def test_regression_embedding_and_ranking_follow_the_data_section_too(tmp_path):
    scores = [{"text": f"text {i}", "label": float(i)} for i in range(40)]
    jsonl(tmp_path / "scores.jsonl", scores)
    cfg = {**CFG, "val_fraction": 0.25, "test_fraction": 0.5}
    train, val, info = build_datasets("regression", cfg, str(tmp_path / "scores.jsonl"), 0)
    assert (len(train), len(val)) == (15, 5)
    kept = [float(text.split()[1]) for text in texts_of(train)]
    assert info["target_mean"] == pytest.approx([sum(kept) / 15])  # the training scores' mean
    pairs = [{"text": f"a {i}", "positive": f"b {i}"} for i in range(12)]
    jsonl(tmp_path / "pairs.jsonl", pairs)
    jsonl(tmp_path / "more_pairs.jsonl", pairs[:5])
    named = {**CFG, "val_file": "more_pairs.jsonl"}
    train, val, _ = build_datasets("embedding", named, str(tmp_path / "pairs.jsonl"), 0)
    assert (len(train), len(val)) == (12, 5)
    lists = [{"query": f"q {i}", "documents": ["x", "y"], "relevance": [1, 0]} for i in range(10)]
    jsonl(tmp_path / "lists.jsonl", lists)
    train, val, _ = build_datasets("ranking", cfg, str(tmp_path / "lists.jsonl"), 0)
    assert (len(train), len(val)) == (4, 1)
    _, test, _ = build_datasets(
        "ranking",
        {**cfg, "held_out": "test", "trained_info": None},
        str(tmp_path / "lists.jsonl"),
        0,
    )
    assert len(test) == 5


def test_an_embedding_pair_reads_its_text_under_data_text(tmp_path):
    pairs = [{"sentence": f"a {i}", "positive": f"b {i}"} for i in range(10)]
    jsonl(tmp_path / "pairs.jsonl", pairs)
    cfg = {**CFG, "text_column": "sentence", "val_fraction": 0.2}
    train, _, info = build_datasets("embedding", cfg, str(tmp_path / "pairs.jsonl"), 0)
    assert info["text_column"] == "sentence"
    first = train[0]  # a pair: the anchor, then its partner
    ids = first["input_ids"][0][first["attention_mask"][0].bool()].tolist()
    anchor = bytes(ids[1:]).decode("utf-8")
    assert anchor.startswith("a ") and anchor in {p["sentence"] for p in pairs}
    with pytest.raises(ValueError, match="sentence"):
        build_datasets("embedding", cfg, str(jsonl(tmp_path / "bad.jsonl", [{"text": "a"}] * 3)), 0)
