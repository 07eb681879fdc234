"""Speech recognition metrics against torchmetrics, the baselines, and the evaluator on a
small model."""

from __future__ import annotations

import random

import pytest
import torch
from tests.archs.small_dims import SPEECH_CTC_BASE, SPEECH_SEQ2SEQ_BASE
from torchmetrics.text import CharErrorRate, WordErrorRate

from metagen.archs.build import build_from_dims
from metagen.data.speech_items import speech_item
from metagen.evaluate.speech_eval import (
    char_error_rate,
    edit_distance,
    transcript_metrics,
    word_error_rate,
)
from metagen.tasks.runtime import evaluate_model

torch.set_num_threads(1)

FIXTURE = (
    ["the cat sat on the mat", "seven", "", "go left now", "yes no", "ünïcode wörds  here"],
    ["the cat sat on a mat", "seven eight", "stop", "go left", "no yes", "unicode words here"],
)


def random_corpus(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    words = ["zero", "one", "two", "three", "up", "down", "a", "ab", "ba"]
    refs = [" ".join(rng.choices(words, k=rng.randint(1, 6))) for _ in range(40)]
    preds = []
    for ref in refs:
        tokens = ref.split()
        for _ in range(rng.randint(0, 3)):  # substitutions, insertions, deletions
            op, i = rng.choice("sid"), rng.randrange(len(tokens) + 1)
            if op == "s" and i < len(tokens):
                tokens[i] = rng.choice(words)
            elif op == "i":
                tokens.insert(i, rng.choice(words))
            elif op == "d" and i < len(tokens):
                del tokens[i]
        preds.append(" ".join(tokens))
    return preds, refs


@pytest.mark.parametrize("corpus", [FIXTURE, *(random_corpus(seed) for seed in range(4))])
def test_wer_and_cer_match_torchmetrics(corpus):
    preds, refs = corpus
    expected_wer = float(WordErrorRate()(preds, refs))
    expected_cer = float(CharErrorRate()(preds, refs))
    assert abs(word_error_rate(preds, refs) - expected_wer) < 1e-6
    assert abs(char_error_rate(preds, refs) - expected_cer) < 1e-6


def test_edit_distance_counts_each_kind_of_edit():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance([], ["a", "b"]) == 2 and edit_distance(["a", "b"], []) == 2
    assert edit_distance(["a", "b", "c"], ["a", "c"]) == 1


def test_error_rates_need_references():
    with pytest.raises(ValueError, match="empty references"):
        word_error_rate(["a"], [""])
    with pytest.raises(ValueError, match="2 predictions for 1 references"):
        char_error_rate(["a", "b"], ["a"])


def test_baselines_are_the_empty_and_the_most_frequent_transcript():
    refs = ["yes", "yes", "no go", "stop"]
    metrics = transcript_metrics(["yes", "no", "no go", ""], refs)
    assert metrics["empty_transcript_wer"] == 1.0 and metrics["empty_transcript_cer"] == 1.0
    assert metrics["constant_transcript_wer"] == pytest.approx(
        float(WordErrorRate()(["yes"] * 4, refs)), abs=1e-6
    )
    assert metrics["constant_transcript_cer"] == pytest.approx(
        float(CharErrorRate()(["yes"] * 4, refs)), abs=1e-6
    )
    assert metrics["exact_match"] == 0.5 and metrics["num_samples"] == 4


@pytest.mark.parametrize(
    ("arch", "dims", "task"),
    [
        ("speech_encoder_decoder", SPEECH_SEQ2SEQ_BASE, "speech_recognition"),
        ("speech_ctc", SPEECH_CTC_BASE, "speech_recognition_ctc"),
    ],
)
def test_evaluator_scores_the_models_own_transcripts(arch, dims, task):
    torch.manual_seed(0)
    model = build_from_dims(arch, dims)
    texts = ["yes", "no", "go up", "yes"]
    ctc = task.endswith("ctc")
    text_len = 6 if ctc else 7
    data = [
        speech_item(0.1 * torch.randn(dims["clip_samples"]).numpy(), text, text_len, ctc)
        for text in texts
    ]
    results = evaluate_model(model, task, data, batch_size=3)
    model.eval()
    with torch.no_grad():
        waveform = torch.stack([item["waveform"] for item in data])
        hypotheses = model.transcribe(waveform, max_tokens=text_len)
    predictions = [
        bytes(i for i in ids if i < 256).decode("utf-8", "replace") for ids in hypotheses
    ]
    assert results["wer"] == pytest.approx(float(WordErrorRate()(predictions, texts)), abs=1e-6)
    assert results["cer"] == pytest.approx(float(CharErrorRate()(predictions, texts)), abs=1e-6)
    assert results["num_samples"] == 4 and results["loss"] > 0
    assert results["constant_transcript_wer"] == pytest.approx(
        float(WordErrorRate()(["yes"] * 4, texts)), abs=1e-6
    )
