"""`--init-from` carries what pretraining learned: a small masked LM pretrained with `metagen
train` on real English (the Python reference's topic pages, which ship with every Python as
`pydoc_data.topics`) starts a text classifier that, from 300 labelled sentences, tells real
sentences from their word-shuffled copies far better than the same classifier trained from
scratch with the same steps, on held-out sentences from other pages."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import yaml
from tests.e2e.runs import metagen_train, read_json

# One shape for both, so that every trunk tensor fits: the masked LM's byte vocabulary (320
# rows, [MASK] among them) is the classifier's too.
TRUNK = {
    "vocab_size": 320,
    "context_length": 128,
    "d_model": 128,
    "n_layers": 4,
    "n_heads": 4,
    "d_ff": 512,
    "type_vocab_size": 1,
    "norm_position": "pre",
}
PRETRAIN = {
    "name": "pydoc_mlm",
    "modality": {"inputs": ["text"], "outputs": ["text"]},
    "training": {
        "objective": ["masked"],
        "steps": 800,
        "batch_size": 64,
        "learning_rate": 2e-3,
        "warmup_steps": 50,
    },
    "architecture": {"family": "transformer", "dims": TRUNK},
}
CLASSIFIER = {
    "name": "word_order",
    "modality": {"inputs": ["text"], "outputs": ["label"]},
    "task": {"type": "classification", "num_classes": 2},
    "training": {"steps": 150, "batch_size": 32, "learning_rate": 3e-4, "warmup_steps": 15},
    "architecture": {"family": "transformer", "dims": {**TRUNK, "pool": "cls"}},
}
PRETRAINING_PAGES = 45  # of the 79 pages, shuffled; the others give the labelled sentences


def _sentences(page: str) -> list[list[str]]:
    """The page's prose sentences of 6 to 40 words, as word lists (code lines left out)."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(page.split())):
        words = sentence.split()
        prose = sum(c.isalpha() or c == " " for c in sentence) > 0.85 * len(sentence)
        if 6 <= len(words) <= 40 and prose:
            found.append(words)
    return found


def _write_data(root: Path) -> tuple[Path, Path]:
    """The pretraining text, and a folder of labelled train.jsonl (300) and val.jsonl (400):
    half the sentences as written ("real"), half with their words shuffled ("shuffled")."""
    topics = pytest.importorskip("pydoc_data.topics").topics
    rng = random.Random(0)
    pages = sorted(topics)
    rng.shuffle(pages)
    corpus = root / "pydoc.txt"
    corpus.write_text("\n\n".join(topics[p] for p in pages[:PRETRAINING_PAGES]), encoding="utf-8")
    sentences = [s for p in pages[PRETRAINING_PAGES:] for s in _sentences(topics[p])]
    rng.shuffle(sentences)
    records = []
    for words in sentences[:700]:
        label = rng.choice(["real", "shuffled"])
        if label == "shuffled":
            original, words = words, words[:]
            while words == original:
                rng.shuffle(words)
        records.append(json.dumps({"text": " ".join(words), "label": label}))
    labelled = root / "labelled"
    labelled.mkdir()
    (labelled / "train.jsonl").write_text("\n".join(records[:300]) + "\n", encoding="utf-8")
    (labelled / "val.jsonl").write_text("\n".join(records[300:]) + "\n", encoding="utf-8")
    return corpus, labelled


def _train(root: Path, spec: dict, run_id: str, data: Path, *extra: str) -> dict:
    path = root / f"{run_id}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result, _ = metagen_train(
        str(path), "--data", str(data), "--out", str(root / "runs"), "--run-id", run_id, *extra,
        timeout=1500,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return read_json(root / "runs" / run_id / "train" / "full" / "metrics.json")


@pytest.mark.slow
def test_a_pretrained_masked_lm_starts_a_classifier_that_beats_one_from_scratch(tmp_path):
    corpus, labelled = _write_data(tmp_path)
    pretrained = _train(tmp_path, PRETRAIN, "mlm", corpus)["eval"]
    # it learned more than byte frequencies: measured 2.42 nats against a unigram 3.17
    assert pretrained["loss"] < pretrained["unigram_baseline_loss"] - 0.3
    weights = tmp_path / "runs" / "mlm" / "train" / "full" / "checkpoints" / "latest"
    init = ("--init-from", str(weights / "model.safetensors"))
    started = _train(tmp_path, CLASSIFIER, "from_mlm", labelled, *init)
    scratch = _train(tmp_path, CLASSIFIER, "from_scratch", labelled)
    loaded = started["init_from"]["loaded"]
    assert "blocks.3.mlp.in_proj.weight" in loaded and "embeddings.token_embedding.weight" in loaded
    assert started["init_from"]["fresh"] == ["head.bias", "head.weight"]
    ours, theirs = started["eval"], scratch["eval"]
    # measured by this test (CPU): held-out accuracy 0.878 from the masked LM (2.42 nats
    # against a unigram 3.17), 0.695 from scratch, 0.528 for the majority class. Runs of the
    # same specs on other splits and seeds gave 0.89-0.91 against 0.54-0.56; from scratch
    # the task sometimes clicks within the steps, hence the margin.
    assert ours["accuracy"] > theirs["accuracy"] + 0.1
    assert ours["accuracy"] > ours["majority_class_accuracy"] + 0.2
