"""The record tasks' losses against their formulas written out by hand, and the loss variant
that config.json's `loss_variant` passes through the training loop."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from metagen.tasks.runtime import LOSSES
from metagen.train.loop import loss_options
from metagen.train.record_losses import (
    EMBEDDING_TEMPERATURE,
    LOSS_VARIANTS,
    TRIPLET_MARGIN,
    embedding_loss,
    ranking_loss,
    regression_loss,
)


def test_regression_loss_is_mse_or_huber():
    pred, target = torch.tensor([[0.0], [3.0]]), torch.tensor([[0.5], [0.0]])
    batch = {"targets": target}
    assert regression_loss(pred, batch).item() == pytest.approx((0.25 + 9.0) / 2)
    huber = (0.5 * 0.25 + (3.0 - 0.5)) / 2  # quadratic under delta 1, linear above
    assert regression_loss(pred, batch, variant="huber").item() == pytest.approx(huber)


def pairs(batch: int = 5, dim: int = 4, seed: int = 0) -> torch.Tensor:
    return torch.randn(batch, 2, dim, generator=torch.Generator().manual_seed(seed))


def infonce_by_hand(out: torch.Tensor, groups: list[int]) -> float:
    """Anchor i picks positive i among the positives of other groups (and back)."""
    a, p = F.normalize(out[:, 0], dim=-1), F.normalize(out[:, 1], dim=-1)
    n, total = len(groups), 0.0
    for i in range(n):
        others = [j for j in range(n) if j == i or groups[j] != groups[i]]
        row = torch.stack([a[i] @ p[j] for j in others]) / EMBEDDING_TEMPERATURE
        col = torch.stack([a[j] @ p[i] for j in others]) / EMBEDDING_TEMPERATURE
        at = others.index(i)
        total += -torch.log_softmax(row, 0)[at].item() - torch.log_softmax(col, 0)[at].item()
    return total / (2 * n)


@pytest.mark.parametrize("groups", [[0, 1, 2, 3, 4], [0, 0, 1, 2, 2]])
def test_infonce_leaves_pairs_of_the_anchor_group_out_of_the_negatives(groups):
    out = pairs()
    got = embedding_loss(out, {"labels": torch.tensor(groups)})
    assert got.item() == pytest.approx(infonce_by_hand(out, groups), rel=1e-5)


def test_batch_hard_triplet_loss():
    out = pairs()
    a, p = F.normalize(out[:, 0], dim=-1), F.normalize(out[:, 1], dim=-1)
    sim = a @ p.T
    expected = 0.0
    for i in range(5):
        hardest = max(sim[i, j] for j in range(5) if j != i)
        expected += max(0.0, TRIPLET_MARGIN - sim[i, i] + hardest) / 5
    got = embedding_loss(out, {"labels": torch.arange(5)}, variant="triplet")
    assert got.item() == pytest.approx(float(expected), rel=1e-5)


def test_ranknet_averages_every_ordered_pair_of_real_items():
    scores = torch.tensor([[[2.0], [0.5], [1.0], [9.0]]])
    grades = torch.tensor([[2.0, 0.0, 1.0, -1.0]])  # the last item is padding
    expected = []
    for i in range(3):
        for j in range(3):
            if grades[0, i] > grades[0, j]:
                expected.append(math.log1p(math.exp(-(scores[0, i, 0] - scores[0, j, 0]))))
    got = ranking_loss(scores, {"targets": grades})
    assert got.item() == pytest.approx(sum(expected) / len(expected), rel=1e-6)


def test_listnet_is_cross_entropy_of_top_one_distributions():
    scores = torch.tensor([[[2.0], [0.5], [1.0], [9.0]]])
    grades = torch.tensor([[2.0, 0.0, 1.0, -1.0]])
    p = torch.softmax(torch.tensor([2.0, 0.0, 1.0]), 0)
    log_q = torch.log_softmax(torch.tensor([2.0, 0.5, 1.0]), 0)
    got = ranking_loss(scores, {"targets": grades}, variant="listnet")
    assert got.item() == pytest.approx(float(-(p * log_q).sum()), rel=1e-6)


def test_a_list_without_pairs_costs_nothing_and_keeps_the_graph():
    scores = torch.zeros(1, 3, 1, requires_grad=True)
    loss = ranking_loss(scores, {"targets": torch.tensor([[1.0, 1.0, -1.0]])})
    loss.backward()
    assert loss.item() == 0.0 and scores.grad is not None


@pytest.mark.parametrize("task", sorted(LOSS_VARIANTS))
def test_loss_variant_reaches_the_loss_and_an_unknown_one_says_which_exist(task):
    assert (
        loss_options({"loss_variant": LOSS_VARIANTS[task][1]})["variant"] == LOSS_VARIANTS[task][1]
    )
    assert "variant" not in loss_options({})
    with pytest.raises(ValueError, match=", ".join(LOSS_VARIANTS[task])):
        LOSSES[task](
            torch.zeros(2, 2, 1),
            {"targets": torch.zeros(2, 2), "labels": torch.arange(2)},
            variant="nope",
        )


def test_label_smoothing_in_the_train_config_reaches_the_classification_loss():
    logits, labels = (
        torch.randn(6, 4, generator=torch.Generator().manual_seed(1)),
        torch.arange(6) % 4,
    )
    options = loss_options({"label_smoothing": 0.1})
    got = LOSSES["classification"](logits, {"labels": labels}, **options)
    expected = F.cross_entropy(logits, labels, label_smoothing=0.1)
    assert got.item() == pytest.approx(expected.item()) != F.cross_entropy(logits, labels).item()
