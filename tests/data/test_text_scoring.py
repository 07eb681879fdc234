"""evaluate.py --data on a text file: every record is scored ("given"), with the trained
run's classes and text length, not a validation share and not the file's own."""

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
