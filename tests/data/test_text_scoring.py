"""evaluate.py --data on a text file: every record is scored ("given"), with the trained
run's classes, text length and target scaling, not a validation share and not the file's
own; pairs and ranked lists alike."""

import json

import pytest

from metagen.tasks.runtime import build_datasets

CFG = {"kind": "text", "seq_len": 32, "val_fraction": 0.25, "tokenizer": "byte"}


def jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_every_record_is_scored_with_the_trained_classes_and_length(tmp_path):
    training = [{"text": f"{word} film {i}", "label": label} for i in range(6)
                for word, label in (("fine", "good"), ("dull", "bad"), ("odd", "meh"))]  # fmt: skip
    _, _, info = build_datasets(
        "classification", CFG, str(jsonl(tmp_path / "t.jsonl", training)), 0
    )
    test = jsonl(tmp_path / "test.jsonl", [{"text": "a fine film", "label": "good"},
                                           {"text": "so dull", "label": "bad"}])  # fmt: skip
    given = {**CFG, "held_out": "given", "trained_info": info}
    _, held_out, read = build_datasets("classification", given, str(test), 0)
    assert len(held_out) == 2
    names = info["class_names"]
    assert [int(held_out[i]["labels"]) for i in range(2)] == [
        names.index("good"),
        names.index("bad"),
    ]
    assert read["seq_len"] == info["seq_len"]


def test_a_label_the_model_never_saw_is_refused_by_name(tmp_path):
    training = [{"text": f"t {i}", "label": "ab"[i % 2]} for i in range(8)]
    _, _, info = build_datasets(
        "classification", CFG, str(jsonl(tmp_path / "t.jsonl", training)), 0
    )
    test = jsonl(
        tmp_path / "test.jsonl", [{"text": "x", "label": "a"}, {"text": "y", "label": "z"}]
    )
    with pytest.raises(ValueError, match="class 'z' is not one the model was trained on"):
        build_datasets(
            "classification", {**CFG, "held_out": "given", "trained_info": info}, str(test), 0
        )


def test_a_regression_file_is_scored_whole_in_the_trained_runs_target_units(tmp_path):
    training = [{"text": f"score {i}", "label": float(i)} for i in range(20)]
    _, _, info = build_datasets("regression", CFG, str(jsonl(tmp_path / "t.jsonl", training)), 0)
    test = jsonl(tmp_path / "test.jsonl", [{"text": "a", "label": 100.0}, {"text": "b", "label": 0.0},
                                           {"text": "c", "label": 50.0}])  # fmt: skip
    given = {**CFG, "held_out": "given", "trained_info": info}
    _, held_out, read = build_datasets("regression", given, str(test), 0)
    assert len(held_out) == 3
    assert (read["target_mean"], read["target_std"]) == (info["target_mean"], info["target_std"])
    mean, std = info["target_mean"][0], info["target_std"][0]
    expected = [(value - mean) / std for value in (100.0, 0.0, 50.0)]
    assert held_out.tensors["targets"].flatten().tolist() == pytest.approx(expected)
    assert held_out.tensors["target_scale"].flatten().tolist() == pytest.approx([std] * 3)


def test_pairs_and_lists_are_scored_whole(tmp_path):
    pairs = [{"text": f"a {i}", "positive": f"b {i}"} for i in range(12)]
    _, _, info = build_datasets("embedding", CFG, str(jsonl(tmp_path / "p.jsonl", pairs)), 0)
    given = {**CFG, "held_out": "given", "trained_info": info}
    _, held_out, _ = build_datasets(
        "embedding", given, str(jsonl(tmp_path / "q.jsonl", pairs[:7])), 0
    )
    assert held_out.tensors["labels"].tolist() == list(range(7))
    lists = [{"query": f"q {i}", "documents": ["x", "y", "z"][: 2 + i % 2], "relevance": [2, 0, 1][: 2 + i % 2]}
             for i in range(10)]  # fmt: skip
    _, _, info = build_datasets("ranking", CFG, str(jsonl(tmp_path / "l.jsonl", lists)), 0)
    given = {**CFG, "held_out": "given", "trained_info": info}
    _, held_out, _ = build_datasets(
        "ranking", given, str(jsonl(tmp_path / "m.jsonl", lists[:5])), 0
    )
    assert held_out.tensors["targets"].tolist() == [
        [2.0, 0.0, -1.0], [2.0, 0.0, 1.0], [2.0, 0.0, -1.0], [2.0, 0.0, 1.0], [2.0, 0.0, -1.0]
    ]  # fmt: skip
