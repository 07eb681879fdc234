"""Entity-level F1 over BIO spans against hand-computed answers on hand-built fixtures,
against seqeval (conlleval's chunk rules) on random tags, and against a reference written from
those rules; token accuracy against sklearn."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score

from metagen.tasks.sequence_labeling.data import bio_tag_names
from metagen.tasks.sequence_labeling.evaluate import bio_spans, entity_scores, evaluate_tagger

NAMES = bio_tag_names(["LOC", "PER"])  # O B-LOC I-LOC B-PER I-PER
ID = {name: i for i, name in enumerate(NAMES)}


def ids(text: str) -> list[int]:
    return [ID[tag] for tag in text.split()]


# (gold, predicted, correct entities, predicted entities, gold entities), counted by hand.
FIXTURES = [
    ("B-PER I-PER O B-LOC", "B-PER I-PER O B-LOC", 2, 2, 2),
    ("B-PER I-PER O B-LOC", "B-PER O O B-LOC", 1, 2, 2),  # a span cut short is wrong
    ("B-PER I-PER O B-LOC", "I-PER I-PER O O", 1, 1, 2),  # I- after O starts an entity
    ("B-PER B-PER O", "B-PER I-PER O", 0, 1, 2),  # two entities, not one
    ("B-LOC I-PER O", "B-LOC I-LOC O", 0, 1, 2),  # I- of another type starts a new one
    ("O O O", "B-LOC O B-PER", 0, 2, 0),
    ("B-LOC I-LOC I-LOC", "B-LOC I-LOC I-LOC", 1, 1, 1),
]


@pytest.mark.parametrize(("gold", "pred", "correct", "found", "expected"), FIXTURES)
def test_counts_on_hand_built_fixtures(gold, pred, correct, found, expected) -> None:
    g, p = bio_spans(ids(gold)), bio_spans(ids(pred))
    assert (len(g & p), len(p), len(g)) == (correct, found, expected)


def test_micro_scores_over_all_fixtures() -> None:
    gold = [ids(g) for g, *_ in FIXTURES]
    pred = [ids(p) for _, p, *_ in FIXTURES]
    correct, found, expected = (sum(f[i] for f in FIXTURES) for i in (2, 3, 4))
    assert (correct, found, expected) == (5, 10, 11)
    scores = entity_scores(pred, gold)
    assert scores["entity_precision"] == pytest.approx(5 / 10)
    assert scores["entity_recall"] == pytest.approx(5 / 11)
    assert scores["entity_f1"] == pytest.approx(2 * 5 / (10 + 11))


def conlleval_chunks(tags: list[str]) -> set[tuple[str, int, int]]:
    """Chunks by conlleval's startOfChunk / endOfChunk rules for IOB2 tags (end inclusive)."""
    chunks, start, prev_tag, prev_type = set(), None, "O", ""
    for i, tag in enumerate(tags + ["O"]):
        kind, typ = (tag, "") if tag == "O" else tag.split("-", 1)
        end_of_chunk = (
            (prev_tag == "B" and kind in ("B", "O"))
            or (prev_tag == "I" and kind in ("B", "O"))
            or (prev_tag != "O" and prev_type != typ)
        )
        start_of_chunk = (
            kind == "B" or (prev_tag == "O" and kind == "I") or (kind != "O" and prev_type != typ)
        )
        if end_of_chunk and start is not None:
            chunks.add((prev_type, start, i - 1))
            start = None
        if start_of_chunk:
            start = i
        prev_tag, prev_type = kind, typ
    return chunks


@pytest.mark.parametrize("seed", range(5))
def test_spans_match_conlleval_rules_on_random_tags(seed) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(200):
        tags = [NAMES[i] for i in rng.integers(0, len(NAMES), rng.integers(1, 12))]
        ours = {(NAMES[2 * k + 1][2:], s, e - 1) for k, s, e in bio_spans([ID[t] for t in tags])}
        assert ours == conlleval_chunks(tags), tags


@pytest.mark.parametrize("seed", range(5))
def test_entity_scores_match_seqeval_on_random_tags(seed) -> None:
    from seqeval import metrics as seqeval

    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 12, 100)
    gold = [rng.integers(0, len(NAMES), n).tolist() for n in lengths]
    pred = [rng.integers(0, len(NAMES), n).tolist() for n in lengths]
    as_names = [[[NAMES[t] for t in sentence] for sentence in tags] for tags in (gold, pred)]
    ours = entity_scores(pred, gold)
    assert ours["entity_precision"] == pytest.approx(seqeval.precision_score(*as_names), abs=1e-6)
    assert ours["entity_recall"] == pytest.approx(seqeval.recall_score(*as_names), abs=1e-6)
    assert ours["entity_f1"] == pytest.approx(seqeval.f1_score(*as_names), abs=1e-6)


class Fixed(torch.nn.Module):
    """Emits a fixed tag per word id (id % 5), with no CRF."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(1))

    def forward(self, input_ids: torch.Tensor) -> dict:
        return {"emissions": torch.nn.functional.one_hot(input_ids % 5, 5).float() * 10}


def test_evaluator_token_accuracy_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    input_ids = torch.tensor(rng.integers(1, 40, (6, 7)))
    targets = torch.tensor(rng.integers(0, 5, (6, 7)))
    targets[2, 4:] = -100
    input_ids[2, 4:] = 0
    results = evaluate_tagger(Fixed(), [{"input_ids": input_ids, "targets": targets}], "cpu")
    keep = targets != -100
    predicted = (input_ids % 5)[keep].numpy()
    assert results["token_accuracy"] == pytest.approx(
        accuracy_score(targets[keep].numpy(), predicted), abs=1e-6
    )
    assert results["all_o_token_accuracy"] == pytest.approx(
        accuracy_score(targets[keep].numpy(), np.zeros_like(predicted)), abs=1e-6
    )
    sentences = [
        (row[k].tolist(), (i % 5)[k].tolist())
        for row, i, k in zip(targets, input_ids, keep, strict=True)
    ]
    expected = entity_scores([p for _, p in sentences], [g for g, _ in sentences])
    assert results["entity_f1"] == pytest.approx(expected["entity_f1"])
    assert results["all_o_entity_f1"] == 0.0
