"""Record data: synthetic rows, texts and series whose targets follow their inputs; a user's
CSV and JSONL read into the same datasets; malformed files as located errors that say how
to fix them."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from metagen.data.record_inputs import record_inputs
from metagen.data.text_records import encode_texts
from metagen.data.tokenizer import ByteTokenizer
from metagen.tasks.runtime import build_datasets

BASE = {
    "val_fraction": 0.25,
    "num_train": 600,
    "num_val": 200,
    "num_classes": 3,
    "num_features": 6,
    "list_size": 5,
    "seq_len": 48,
    "series_length": 32,
    "channels": 1,
}


def build(task: str, kind: str, source="synthetic", seed: int = 0, **cfg):
    return build_datasets(task, {**BASE, "kind": kind, **cfg}, str(source), seed)


def stack(dataset, key: str) -> torch.Tensor:
    return torch.stack([dataset[i][key] for i in range(len(dataset))])


def test_synthetic_tabular_classes_follow_a_rule_of_the_features():
    train, val, info = build("classification", "tabular")
    x, y = stack(train, "features").numpy(), stack(train, "labels").numpy()
    x_val, y_val = stack(val, "features").numpy(), stack(val, "labels").numpy()
    majority = np.bincount(y_val).max() / len(y_val)
    accuracy = KNeighborsClassifier(5).fit(x, y).score(x_val, y_val)
    assert accuracy > majority + 0.3  # a rule, not noise
    assert not any(torch.equal(train[0]["features"], val[i]["features"]) for i in range(len(val)))
    assert info["fit_dims"] == {"num_features": 6, "num_outputs": 3}


@pytest.mark.parametrize("kind", ["text", "series"])
def shift_free_features(x: torch.Tensor, kind: str) -> np.ndarray:
    """Bags of bytes for texts, spectrum magnitudes for series: a linear model on them sees
    which words or shapes a sample holds, wherever they sit."""
    if kind == "text":
        return np.stack([np.bincount(row, minlength=260) for row in x.numpy()])
    return np.abs(np.fft.rfft(x.flatten(1).numpy(), axis=1))


@pytest.mark.parametrize("kind", ["text", "series"])
def test_synthetic_classes_of_texts_and_series_are_learnable_and_seeded(kind):
    train, val, info = build("classification", kind, num_classes=4)
    key = "input_ids" if kind == "text" else "series"
    assert info["num_classes"] == 4 and len(info["class_names"]) == 4
    x, x_val = (shift_free_features(stack(d, key), kind) for d in (train, val))
    classifier = LogisticRegression(max_iter=3000).fit(x, stack(train, "labels").numpy())
    assert classifier.score(x_val, stack(val, "labels").numpy()) > 0.25 + 0.4
    again, _, _ = build("classification", kind, num_classes=4)
    assert torch.equal(stack(again, key), stack(train, key))  # same seed, same data


def test_text_tokens_are_bos_bytes_and_masked_padding():
    ids, mask = encode_texts(["hi", None, "x" * 100], seq_len=6)
    tokenizer = ByteTokenizer()
    assert ids[0].tolist() == [tokenizer.bos_id, 104, 105] + [tokenizer.pad_id] * 3
    assert mask[0].tolist() == [1, 1, 1, 0, 0, 0]
    assert mask[1].tolist() == [1, 0, 0, 0, 0, 0]  # an empty slot still attends to its bos
    assert mask[2].sum() == 6  # cut to seq_len


@pytest.mark.parametrize(
    ("task", "kind", "keys"),
    [
        ("regression", "tabular", {"features", "targets", "target_scale"}),
        ("regression", "text", {"input_ids", "attention_mask", "targets", "target_scale"}),
        ("regression", "series", {"series", "targets", "target_scale"}),
        ("embedding", "tabular", {"features", "labels"}),
        ("embedding", "text", {"input_ids", "attention_mask", "labels"}),
        ("embedding", "series", {"series", "labels"}),
        ("ranking", "tabular", {"features", "targets"}),
        ("ranking", "text", {"input_ids", "attention_mask", "targets"}),
    ],
)
def test_every_task_and_kind_builds_batches_of_its_keys(task, kind, keys):
    train, val, info = build(task, kind)
    assert set(train[0]) == keys and set(val[0]) == keys
    assert info["task"] == task and info["kind"] == kind
    if task == "embedding":  # pairs: two views of one item
        assert next(iter(v for k, v in train[0].items() if k != "labels")).shape[0] == 2
    if task == "ranking":
        assert train[0]["targets"].shape == (BASE["list_size"],)
        assert set(stack(train, "targets").unique().tolist()) <= {0.0, 1.0, 2.0, 3.0}


def test_synthetic_regression_and_ranking_targets_follow_the_inputs():
    train, val, _ = build("regression", "tabular")
    x, y = stack(train, "features").numpy(), stack(train, "targets").numpy()[:, 0]
    assert np.corrcoef(x @ np.linalg.lstsq(x, y, rcond=None)[0], y)[0, 1] > 0.7
    lists, _, _ = build("ranking", "tabular")
    grades = stack(lists, "targets")
    assert (grades == 0).float().mean() > 0.4 and (grades == 3).any()  # graded, mostly 0


def write_csv(path, header, rows):
    path.write_text(
        "\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n",
        encoding="utf-8",
    )
    return path


def test_csv_classification_standardizes_with_training_statistics(tmp_path):
    rows = [[i, i % 7 * 1.5, "cat" if i % 3 else "dog"] for i in range(60)]
    path = write_csv(tmp_path / "pets.csv", ["age", "weight", "kind"], rows)
    train, val, info = build("classification", "tabular", path)
    assert info["class_names"] == ["cat", "dog"] and info["feature_names"] == ["age", "weight"]
    assert len(train) + len(val) == 60 and len(val) == 15
    x = stack(train, "features")
    assert torch.allclose(x.mean(0), torch.zeros(2), atol=1e-5)
    assert info["fit_dims"] == {"num_features": 2, "num_outputs": 2}


def test_csv_target_column_by_name_and_folder_splits(tmp_path):
    header = ["price", "rooms", "area"]
    write_csv(tmp_path / "train.csv", header, [[100 + i, i % 4, 50 + i] for i in range(20)])
    write_csv(tmp_path / "test.csv", header, [[200 + i, i % 4, 70 + i] for i in range(5)])
    train, val, info = build("regression", "tabular", tmp_path, target="price")
    assert (len(train), len(val)) == (20, 5)
    assert info["feature_names"] == ["rooms", "area"] and info["target_names"] == ["price"]
    scale = stack(val, "target_scale")
    restored = stack(val, "targets") * scale + info["target_mean"][0]
    assert torch.allclose(restored[:, 0], torch.arange(200, 205).float(), atol=1e-3)


def test_csv_ranking_keeps_each_query_whole(tmp_path):
    rows = [[q, i, (i * 7 + q) % 4] for q in range(12) for i in range(3 + q % 3)]
    path = write_csv(tmp_path / "lists.csv", ["query_id", "x", "relevance"], rows)
    train, val, info = build("ranking", "tabular", path)
    assert len(train) + len(val) == 12 and info["list_size"] == 5
    padded = stack(train, "targets") < 0
    assert padded.any() and (stack(train, "features")[padded] == 0).all()


CSV_ERRORS = [
    ("a,b,y\n1,2,0\n3,oops,1\n", ":3:", "column 'b' holds 'oops', which is not a number"),
    ("a,b,y\n1,2,0\n3,,1\n", ":3:", "column 'b' is empty or missing"),
    ("a,b,y\n1,2,0\n3,4\n", ":3:", "the row has 2 values but the header names 3 columns"),
    ("", "", "the file is empty"),
    ("a,a,y\n1,2,0\n", ":1:", "names column 'a' twice"),
    ("a,b,y\n1,2,0\n1,inf,1\n", ":3:", "which is not finite"),
    ("a,b,y\n1,2,\n1,2,1\n", ":2:", "the target column 'y' is empty"),
    ("y\n1\n2\n", ":1:", "at least one feature column"),
    ("a,y\n1,0\n", "", "has 1 data row(s)"),
]


@pytest.mark.parametrize(("text", "where", "problem"), CSV_ERRORS)
def test_a_malformed_csv_is_a_located_error_with_a_fix(tmp_path, text, where, problem):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        build("classification", "tabular", path)
    message = str(info.value)
    assert message.startswith(f"{path}{where}") and problem in message
    assert message.count(". ") >= 1 and "\n" not in message  # what is wrong, then the fix


def test_a_missing_target_column_lists_the_columns(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["a", "b"], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="there is no target column 'price'; the header has a, b"):
        build("regression", "tabular", path, target="price")


def test_a_non_numeric_regression_target_is_located(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["a", "y"], [[1, 2], [3, "high"], [4, 5]])
    with pytest.raises(ValueError, match=r"d\.csv:3: the target column 'y' holds 'high'"):
        build("regression", "tabular", path)


JSONL_ERRORS = [
    ('{"text": "a", "label": 1}\n{"text": "b" "label": 2}\n', ":2:", "not valid JSON"),
    ('{"text": "a", "label": 1}\n["b", 2]\n', ":2:", "is a JSON list, not an object"),
    ('{"text": "a", "label": 1}\n{"txt": "b", "label": 2}\n', ":2:", "has no 'text' key"),
    ('{"text": "a", "label": 1}\n{"text": "b", "label": [2]}\n', ":2:", "'label' must be"),
    ('{"text": "a", "label": 1}\n{"text": "", "label": 0}\n', ":2:", "non-empty text"),
]


@pytest.mark.parametrize(("text", "where", "problem"), JSONL_ERRORS)
def test_a_malformed_jsonl_is_a_located_error_with_an_example(tmp_path, text, where, problem):
    path = tmp_path / "reviews.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        build("classification", "text", path)
    message = str(info.value)
    assert message.startswith(f"{path}{where}") and problem in message
    assert '{"text": "a fine film", "label": "positive"}' in message


def test_jsonl_text_classification_and_ranking(tmp_path):
    lines = [
        {"text": f"review {i} {'good' if i % 2 else 'bad'}", "label": "pos" if i % 2 else "neg"}
        for i in range(20)
    ]
    path = tmp_path / "reviews.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    train, val, info = build("classification", "text", path)
    assert info["class_names"] == ["neg", "pos"] and len(train) + len(val) == 20
    lists = [
        {
            "query": "q",
            "documents": ["a", "b", "c"][: 2 + i % 2],
            "relevance": [1, 0, 2][: 2 + i % 2],
        }
        for i in range(8)
    ]
    path = tmp_path / "lists.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lists), encoding="utf-8")
    train, _, info = build("ranking", "text", path)
    assert info["list_size"] == 3 and (stack(train, "targets") == -1).any()


def test_a_file_of_the_wrong_kind_says_which_one_the_model_reads(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "a"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="a tabular model reads a .csv file"):
        build("classification", "tabular", path)


def test_inference_inputs_use_the_training_standardization(tmp_path):
    rows = [[i, 10 - i, i % 2] for i in range(40)]
    path = write_csv(tmp_path / "d.csv", ["a", "b", "y"], rows)
    train, _, info = build("classification", "tabular", path)
    probe = write_csv(tmp_path / "probe.csv", ["b", "a"], [[4, 6], [9, 1]])  # any order, no y
    inputs, names = record_inputs(probe, info)
    expected = (np.array([[6, 4], [1, 9]]) - info["feature_mean"]) / info["feature_std"]
    assert torch.allclose(inputs["features"], torch.tensor(expected, dtype=torch.float32))
    assert names == ["line 2", "line 3"]
