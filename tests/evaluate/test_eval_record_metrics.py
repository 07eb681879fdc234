"""Regression, retrieval and ranking metrics against independent references on fixed
fixtures (to 1e-6): scikit-learn, torchmetrics, numpy brute force, exhaustive permutations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from sklearn import metrics as skm
from torchmetrics.retrieval import RetrievalHitRate, RetrievalMRR

from metagen.evaluate.record_metrics import (
    chance_group_recall_at_k,
    group_recall_at_k,
    list_ndcg,
    list_reciprocal_rank,
    random_ndcg,
    random_reciprocal_rank,
    regression_errors,
)

TOL = 1e-6


@pytest.mark.parametrize("outputs", [1, 3])
def test_regression_errors_match_scikit_learn(outputs):
    rng = np.random.default_rng(outputs)
    target = rng.normal(size=(41, outputs)) * [3.0, 1.0, 0.2][:outputs]
    pred = target + rng.normal(scale=0.7, size=target.shape)
    got = regression_errors(torch.from_numpy(pred), torch.from_numpy(target))
    assert abs(got["mae"] - skm.mean_absolute_error(target, pred)) < TOL
    assert abs(got["rmse"] - skm.root_mean_squared_error(target, pred)) < TOL
    assert abs(got["r2"] - skm.r2_score(target, pred)) < TOL


def test_r2_of_a_constant_target_follows_scikit_learn():
    target = np.full((5, 1), 2.0)
    for pred in (target.copy(), target + 0.5):
        got = regression_errors(torch.from_numpy(pred), torch.from_numpy(target))["r2"]
        assert got == skm.r2_score(target, pred)


def brute_force_recall(similarity: np.ndarray, groups: np.ndarray, k: int) -> float:
    hits = 0
    for query in range(len(similarity)):
        top = np.argsort(-similarity[query], kind="stable")[:k]
        hits += int(any(groups[j] == groups[query] for j in top))
    return hits / len(similarity)


@pytest.mark.parametrize("duplicates", [False, True])
@pytest.mark.parametrize("k", [1, 3, 10])
def test_group_recall_matches_brute_force(duplicates, k):
    rng = np.random.default_rng(7)
    anchors, positives = rng.normal(size=(30, 8)), rng.normal(size=(30, 8))
    positives[:15] = anchors[:15] + 0.3 * positives[:15]  # half the pairs are findable
    a = anchors / np.linalg.norm(anchors, axis=1, keepdims=True)
    p = positives / np.linalg.norm(positives, axis=1, keepdims=True)
    similarity = a @ p.T
    groups = np.arange(30) // 3 if duplicates else np.arange(30)
    got = group_recall_at_k(torch.from_numpy(similarity), torch.from_numpy(groups), k)
    assert abs(got - brute_force_recall(similarity, groups, k)) < TOL


@pytest.mark.parametrize("k", [1, 3, 10])
def test_group_recall_matches_torchmetrics_hit_rate(k):
    # each query is one retrieval problem over the whole gallery; a hit is any item of its group
    rng = np.random.default_rng(11)
    similarity = torch.from_numpy(rng.normal(size=(24, 24)))
    groups = torch.from_numpy(np.arange(24) // 2)
    relevant = groups[:, None] == groups[None, :]
    queries = torch.arange(24)[:, None].expand(24, 24)
    reference = RetrievalHitRate(top_k=k)(
        similarity.flatten(), relevant.flatten(), queries.flatten()
    )
    assert abs(group_recall_at_k(similarity, groups, k) - float(reference)) < TOL


def test_a_constant_similarity_retrieves_nothing():
    groups = torch.arange(6)
    assert group_recall_at_k(torch.ones(6, 6), groups, 5) == 0.0


@pytest.mark.parametrize("k", [1, 2, 4])
def test_chance_recall_is_the_mean_over_every_ranking(k):
    groups = np.array([0, 0, 1, 2, 2, 2])
    n, total = len(groups), 0.0
    orders = list(itertools.permutations(range(n)))
    for order in orders:  # every order of the gallery is equally likely
        total += np.mean([any(groups[j] == groups[q] for j in order[:k]) for q in range(n)])
    assert abs(chance_group_recall_at_k(torch.from_numpy(groups), k) - total / len(orders)) < TOL


NDCG_LISTS = [
    ([3, 2, 3, 0, 1, 2], [0.9, 0.8, 0.1, 0.4, 0.3, 0.5]),
    ([0, 0, 1, 0, 2, 0, 0, 3], [0.2, 0.2, 0.2, 0.9, 0.1, 0.5, 0.5, 0.3]),  # ties
    ([0, 0, 0], [0.1, 0.2, 0.3]),  # no relevant item
    ([1.5, 0.0, 2.5, 0.5], [4.0, 3.0, 2.0, 1.0]),  # fractional grades
]


@pytest.mark.parametrize(("grades", "scores"), NDCG_LISTS)
@pytest.mark.parametrize("k", [None, 1, 3, 5])
def test_ndcg_matches_scikit_learn(grades, scores, k):
    expected = skm.ndcg_score([grades], [scores], k=k)
    got = list_ndcg(torch.tensor(grades), torch.tensor(scores, dtype=torch.float64), k)
    assert abs(got - expected) < TOL


MRR_LISTS = [
    ([0, 1, 0, 1], [0.3, 0.1, 0.9, 0.7]),
    ([1, 0, 0], [0.9, 0.5, 0.1]),
    ([0, 0, 0, 0, 1], [0.5, 0.4, 0.3, 0.2, 0.1]),
]


def test_mrr_matches_torchmetrics():
    reference = RetrievalMRR()
    ours = []
    for query, (relevant, scores) in enumerate(MRR_LISTS):
        preds, target = torch.tensor(scores), torch.tensor(relevant).bool()
        reference.update(preds, target, indexes=torch.full((len(scores),), query))
        ours.append(list_reciprocal_rank(target, preds))
    assert abs(sum(ours) / len(ours) - float(reference.compute())) < TOL


def test_a_list_without_relevant_items_has_reciprocal_rank_zero_as_torchmetrics():
    reference = RetrievalMRR(empty_target_action="neg")
    preds, target = torch.tensor([0.2, 0.1]), torch.tensor([False, False])
    reference.update(preds, target, indexes=torch.zeros(2, dtype=torch.long))
    assert list_reciprocal_rank(target, preds) == float(reference.compute()) == 0.0


@pytest.mark.parametrize("grades", [[3, 0, 1, 0, 2], [0, 0, 1], [0, 0, 0], [2, 2, 2, 1]])
@pytest.mark.parametrize("k", [None, 1, 2, 4])
def test_random_baselines_are_the_mean_over_every_order(grades, k):
    n = len(grades)
    ndcgs, reciprocal_ranks = [], []
    for order in itertools.permutations(range(n)):
        scores = [0.0] * n
        for rank, item in enumerate(order):
            scores[item] = float(n - rank)  # distinct scores give this order
        ndcgs.append(skm.ndcg_score([grades], [scores], k=k) if any(grades) else 0.0)
        first = next((r for r, item in enumerate(order) if grades[item] > 0), None)
        reciprocal_ranks.append(0.0 if first is None else 1 / (first + 1))
    assert abs(random_ndcg(torch.tensor(grades), k) - np.mean(ndcgs)) < TOL
    relevant = sum(g > 0 for g in grades)
    assert abs(random_reciprocal_rank(n, relevant) - np.mean(reciprocal_ranks)) < TOL
    assert math.isclose(random_reciprocal_rank(n, n), 1.0)
