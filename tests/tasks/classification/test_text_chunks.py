"""A transformer text classifier that reads long texts in chunks (data.chunks) learns from
what lies past its first chunk: in these texts the first chunk is filler common to every
class, and the topic's words come after it, so a model that read only the text's start
could do no better than chance. The chunked run beats the majority class on held-out texts;
infer.py and (slow) the ONNX export read texts in the same chunks."""

from __future__ import annotations

import json
import random

import pytest
import yaml
from tests.e2e.runs import metagen_train, read_json, run_script

FILLER = "the of and a to in is was for on that with as by at from it an be this".split()
TOPICS = {
    "sport": "goal match team coach league score season player".split(),
    "tech": "software chip network code server laptop data cloud".split(),
    "food": "recipe flour oven sauce butter garlic dinner pasta".split(),
}
CHUNKS, SEQ_LEN = 3, 64  # a smoke transformer reads at most 64 bytes a chunk (the bos first)
FILLER_BYTES = 80  # every text's first chunk and more: no topic word


def text_of(label: str, rng: random.Random) -> str:
    start = ""
    while len(start) < FILLER_BYTES:
        start += rng.choice(FILLER) + " "
    rest = [rng.choice(TOPICS[label]) if rng.random() < 0.4 else rng.choice(FILLER)
            for _ in range(16)]  # fmt: skip
    return start + " ".join(rest)


def write_texts(path, count: int, rng: random.Random) -> list[dict]:
    records = [{"text": text_of(label, rng), "label": label}
               for label in (rng.choice(sorted(TOPICS)) for _ in range(count))]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root, rng = tmp_path_factory.mktemp("long_texts"), random.Random(0)
    data = root / "texts"
    data.mkdir()
    for split, count in (("train", 600), ("val", 90), ("test", 150)):
        write_texts(data / f"{split}.jsonl", count, rng)
    spec = {
        "metagen_version": "1.0",
        "name": "long_texts",
        "modality": {"inputs": ["text"], "outputs": ["label"]},
        "task": {"type": "classification", "num_classes": 3},
        "constraints": {"parameter_budget": {"max": "2M"}, "device": "cpu"},
        "architecture": {"family": "transformer"},
        "data": {"chunks": CHUNKS},
    }
    (root / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result, _ = metagen_train(str(root / "spec.yaml"), "--scale", "smoke", "--steps", "40",
                              "--data", str(data), "--out", str(root / "runs"), "--run-id", "r")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return data, root / "runs" / "r"


def test_the_texts_hide_their_topic_from_a_reader_of_the_first_chunk():
    rng = random.Random(1)
    for label in TOPICS:
        first_chunk = text_of(label, rng).encode()[: SEQ_LEN - 1]  # after the bos token
        words = set(first_chunk.decode(errors="ignore").split())
        assert not words & {w for topic in TOPICS.values() for w in topic}


def test_a_chunked_classifier_learns_from_past_its_first_chunk(run) -> None:
    _, run_dir = run
    out = run_dir / "train" / "smoke"
    info = read_json(out / "data_info.json")
    # chunks of the 95th percentile's quarter, within the smoke scale's 64
    assert info["chunks"] == CHUNKS and info["seq_len"] <= SEQ_LEN
    held_out = read_json(out / "metrics.json")["eval"]
    assert held_out["accuracy"] >= held_out["majority_class_accuracy"] + 0.3, held_out


def test_infer_reads_texts_in_the_same_chunks(run, tmp_path) -> None:
    data, run_dir = run
    test = [json.loads(line) for line in (data / "test.jsonl").read_text("utf-8").splitlines()]
    inputs = tmp_path / "five.jsonl"
    inputs.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in test[:5]), "utf-8")
    rows = tmp_path / "rows.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(run_dir / "train" / "smoke"),
               str(inputs), "--out", str(rows))  # fmt: skip
    predicted = [json.loads(line)["label"] for line in rows.read_text("utf-8").splitlines()]
    assert len(predicted) == 5
    assert sum(p == r["label"] for p, r in zip(predicted, test, strict=False)) >= 3


@pytest.mark.slow
def test_the_onnx_export_reads_texts_in_chunks(run, tmp_path) -> None:
    _, run_dir = run
    onnx = tmp_path / "model.onnx"
    done = run_script(run_dir / "code", "export.py", "--checkpoint",
                      str(run_dir / "train" / "smoke"), "--output", str(onnx))  # fmt: skip
    assert onnx.is_file()
    assert "batch 7" in done.stdout  # checked against PyTorch at batches 1 and 7
