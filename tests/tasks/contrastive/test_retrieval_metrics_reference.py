"""Retrieval metrics and CLIPScore against independent references: torchmetrics' retrieval
recall and mean average precision, scikit-learn's average precision, and CLIPScore's
definition computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score
from torchmetrics.retrieval import RetrievalMAP, RetrievalRecall

from metagen.tasks.contrastive.evaluate_retrieval import (
    clip_score,
    mean_average_precision,
    recall_at_k,
)


def _reference(metric, similarity: torch.Tensor, relevant: torch.Tensor) -> float:
    queries = torch.arange(similarity.size(0))[:, None].expand_as(similarity)
    return float(metric(similarity.flatten(), relevant.flatten(), indexes=queries.flatten()))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recall_at_k_is_torchmetrics_retrieval_recall(seed) -> None:
    similarity = torch.randn(40, 40, generator=torch.Generator().manual_seed(seed))
    paired = torch.eye(40, dtype=torch.bool)  # the paired item alone is relevant
    for k in (1, 5, 10):
        reference = _reference(RetrievalRecall(top_k=k), similarity, paired)
        assert abs(recall_at_k(similarity, k) - reference) < 1e-6
        reference = _reference(RetrievalRecall(top_k=k), similarity.t(), paired)
        assert abs(recall_at_k(similarity.t(), k) - reference) < 1e-6


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mean_average_precision_is_torchmetrics_retrieval_map(seed) -> None:
    generator = torch.Generator().manual_seed(seed)
    groups = torch.randint(0, 6, (50,), generator=generator)  # repeated captions
    relevant = groups[:, None] == groups[None, :]
    similarity = torch.randn(50, 50, generator=generator) + 2 * relevant
    for sim in (similarity, similarity.t()):
        # torchmetrics drops relevant items scored at or below 0; shifting every score up
        # keeps the ranking, which is all average precision reads
        reference = _reference(RetrievalMAP(), sim - sim.min() + 1, relevant)
        assert abs(mean_average_precision(sim, relevant) - reference) < 1e-6
        per_query = [
            average_precision_score(r.numpy(), s.numpy())
            for s, r in zip(sim, relevant, strict=True)
        ]
        assert abs(mean_average_precision(sim, relevant) - float(np.mean(per_query))) < 1e-6


def test_map_of_a_perfect_ranking_is_one_and_of_the_worst_is_low() -> None:
    relevant = torch.eye(10, dtype=torch.bool)
    assert mean_average_precision(relevant.float(), relevant) == 1.0
    assert mean_average_precision(-relevant.float(), relevant) == pytest.approx(0.1)


def test_clip_score_is_two_and_a_half_times_the_clipped_cosine() -> None:
    images = torch.nn.functional.normalize(torch.randn(6, 8), dim=-1)
    texts = torch.nn.functional.normalize(torch.randn(6, 8), dim=-1)
    scores = clip_score(images, texts)
    for i in range(6):
        for j in range(6):
            cosine = float(torch.dot(images[i], texts[j]))
            assert float(scores[i, j]) == pytest.approx(2.5 * max(cosine, 0.0), abs=1e-6)
