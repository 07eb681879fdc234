"""The tabular CSV reader follows the spec's data section as config.json carries it: the
label or target column, the feature columns, the training, validation and test files, and
the validation and test shares."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metagen.data.tabular_records import tabular_csv_split, tabular_csv_test
from metagen.tasks.runtime import build_datasets

BASE = {"kind": "tabular", "val_fraction": 0.1, "num_classes": 3}


def write(path, header, rows):
    lines = [",".join(header)] + [",".join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def people(path, count=100):
    """id, a text name (not a number), age, height, the class and a score, in that order."""
    rows = [[i, f"p{i}", 20 + i % 50, 150 + i % 40, "abcd"[i % 4], i * 0.5] for i in range(count)]
    return write(path, ["id", "name", "age", "height", "kind", "score"], rows)


def test_label_and_feature_columns_pick_the_class_and_skip_other_columns(tmp_path):
    path = people(tmp_path / "people.csv", 120)
    cfg = {**BASE, "label_column": "kind", "feature_columns": ["height", "age"]}
    train, val, info = build_datasets("classification", cfg, str(path))
    assert info["feature_names"] == ["height", "age"]  # the order given, not the file's
    assert info["class_names"] == ["a", "b", "c", "d"]
    assert (len(train), len(val)) == (108, 12)
    features = torch.stack([train[i]["features"] for i in range(len(train))])
    assert features.shape == (108, 2)


def test_target_column_and_features_for_regression(tmp_path):
    path = people(tmp_path / "people.csv")
    cfg = {**BASE, "target_column": "age", "feature_columns": ["height", "score"]}
    _, _, info = build_datasets("regression", cfg, str(path))
    assert info["target_names"] == ["age"] and info["feature_names"] == ["height", "score"]


def test_without_a_target_the_last_column_outside_the_features_is_the_target(tmp_path):
    path = write(tmp_path / "t.csv", ["y", "a", "b"], [[i % 2, i, 2 * i] for i in range(20)])
    cfg = {**BASE, "feature_columns": ["a", "b"]}
    table, _, _ = tabular_csv_split(cfg, str(path), 0, stratify=True)
    assert table.target_name == "y" and table.feature_names == ["a", "b"]


def test_label_column_comes_before_target_for_classes(tmp_path):
    path = people(tmp_path / "people.csv")
    cfg = {**BASE, "label_column": "kind", "target": "score", "feature_columns": ["age"]}
    table, _, _ = tabular_csv_split(cfg, str(path), 0, stratify=True)
    assert table.target_name == "kind"
    table, _, _ = tabular_csv_split(cfg, str(path), 0, stratify=False)
    assert table.target_name == "score"


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        (
            {"feature_columns": ["age", "weight"]},
            "data.features names 'weight', which the header lacks",
        ),
        ({"feature_columns": ["age", "kind"], "label_column": "kind"}, "'kind', the target"),
        ({"label_column": "species"}, "there is no target column 'species'"),
    ],
)
def test_a_column_the_file_does_not_have_is_a_located_error(tmp_path, cfg, message):
    path = people(tmp_path / "people.csv")
    with pytest.raises(ValueError, match="people.csv:1: ") as info:
        tabular_csv_split({**BASE, **cfg}, str(path), 0, stratify=True)
    assert message in str(info.value)


def test_test_fraction_rows_are_neither_trained_nor_validated_on(tmp_path):
    path = people(tmp_path / "people.csv", 200)
    cfg = {**BASE, "label_column": "kind", "val_fraction": 0.1, "test_fraction": 0.2}
    cfg["feature_columns"] = ["age", "height"]
    table, train, val = tabular_csv_split(cfg, str(path), 0, stratify=True)
    found = tabular_csv_test(cfg, str(path), 0, stratify=True)
    assert found is not None
    _, test = found
    assert (len(train), len(val), len(test)) == (144, 16, 40)  # 72/8/20 of 200 rows
    assert not set(test) & (set(train) | set(val)) and not set(train) & set(val)
    assert sorted(set(train) | set(val) | set(test)) == list(range(200))
    # stratified: each class keeps its share of the test rows
    counts = np.unique([table.targets[i] for i in test], return_counts=True)[1]
    assert counts.tolist() == [10, 10, 10, 10]


def test_without_a_test_share_the_split_is_the_one_before_the_data_section(tmp_path):
    from metagen.data.image_folder import split_indices

    path = people(tmp_path / "people.csv")
    cfg = {**BASE, "label_column": "kind", "feature_columns": ["age"]}
    table, train, val = tabular_csv_split(cfg, str(path), 3, stratify=True)
    expected = split_indices(100, 0.1, 3, table.targets)
    assert (train.tolist(), val.tolist()) == expected
    assert tabular_csv_test(cfg, str(path), 3, stratify=True) is None


def test_named_files_are_read_from_the_data_folder(tmp_path):
    people(tmp_path / "fit.csv", 60)
    people(tmp_path / "check.csv", 12)
    people(tmp_path / "final.csv", 9)
    cfg = {**BASE, "label_column": "kind", "feature_columns": ["age", "height"]}
    cfg |= {"train_file": "fit.csv", "val_file": "check.csv", "test_file": "final.csv"}
    train, val, _ = build_datasets("classification", cfg, str(tmp_path))
    assert (len(train), len(val)) == (60, 12)
    found = tabular_csv_test(cfg, str(tmp_path), 0, stratify=True)
    assert found is not None and found[0].path.endswith("final.csv") and len(found[1]) == 9
    # a file path as the data: its folder holds the named files
    train, val, _ = build_datasets("classification", cfg, str(tmp_path / "fit.csv"))
    assert (len(train), len(val)) == (60, 12)


def test_a_declared_test_file_is_not_used_for_validation(tmp_path):
    people(tmp_path / "train.csv", 40)
    people(tmp_path / "test.csv", 10)
    cfg = {**BASE, "label_column": "kind", "feature_columns": ["age"]}
    _, val, _ = build_datasets("classification", cfg, str(tmp_path))
    assert len(val) == 10  # no declaration: the folder's test.csv validates, as before
    _, val, _ = build_datasets("classification", {**cfg, "test_file": "test.csv"}, str(tmp_path))
    assert len(val) == 4  # declared as the test set: validation is 10% of train.csv


def test_a_missing_named_file_names_the_spec_field(tmp_path):
    people(tmp_path / "train.csv", 20)
    cfg = {**BASE, "label_column": "kind", "val_file": "nope.csv", "feature_columns": ["age"]}
    with pytest.raises(ValueError, match=r"nope.csv: no such file \(data.validation"):
        tabular_csv_split(cfg, str(tmp_path), 0, stratify=True)


def test_ranking_test_share_keeps_each_query_whole(tmp_path):
    rows = [[q, i, (i * 7 + q) % 4] for q in range(30) for i in range(3)]
    path = write(tmp_path / "lists.csv", ["query_id", "x", "relevance"], rows)
    cfg = {**BASE, "test_fraction": 0.2}
    table, train, val = tabular_csv_split(cfg, str(path), 0, ranking=True)
    found = tabular_csv_test(cfg, str(path), 0, ranking=True)
    assert found is not None
    queries = [{table.ranking_query_ids()[i] for i in part} for part in (train, val, found[1])]
    assert [len(q) for q in queries] == [22, 2, 6]  # 10% of the 24 lists left: 2
    assert not (queries[0] & queries[2]) and not (queries[1] & queries[2])
