"""Link prediction: the held-out split (its edges out of the message-passing graph, its
negatives non-edges), the metrics against scikit-learn, and common neighbours by hand."""

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from metagen.evaluate.metrics import roc_auc
from metagen.tasks.link_prediction.data import link_prediction_datasets
from metagen.tasks.link_prediction.evaluate import common_neighbours, hits_at

torch.set_num_threads(1)
CFG = {"num_nodes": 200, "val_fraction": 0.1}


def test_held_out_edges_leave_the_graph_and_negatives_are_non_edges():
    train, val, info = link_prediction_datasets(CFG, "synthetic", 0)
    graph = set(map(tuple, train.edge_index.T.tolist()))
    held = val.pairs[val.targets == 1].tolist()
    negatives = val.pairs[val.targets == 0].tolist()
    assert len(held) == len(negatives) > 0
    assert not any((a, b) in graph or (b, a) in graph for a, b in held)
    assert not any((min(a, b), max(a, b)) in train.known for a, b in negatives)
    batch = train.collate(list(range(8)))
    assert batch["pairs"].shape == (2, 16) and batch["targets"].sum() == 8
    new = batch["pairs"][:, 8:].T.tolist()
    assert not any((min(a, b), max(a, b)) in train.known for a, b in new)
    assert torch.equal(train.collate(list(range(8)))["pairs"], batch["pairs"])  # seeded


def test_auc_matches_scikit_learn_with_ties():
    rng = np.random.default_rng(0)
    labels = torch.tensor(rng.integers(0, 2, 200), dtype=torch.float32)
    scores = torch.tensor(rng.integers(0, 5, 200), dtype=torch.float32) + labels
    assert roc_auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_hits_at_k_counts_edges_above_the_kth_best_non_edge():
    labels = torch.tensor([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    scores = torch.tensor([0.9, 0.5, 0.1, 0.8, 0.4, 0.2])
    assert hits_at(scores, labels, 1) == pytest.approx(1 / 3)  # above 0.8: 0.9
    assert hits_at(scores, labels, 2) == pytest.approx(2 / 3)  # above 0.4: 0.9, 0.5


def test_common_neighbours_of_a_small_graph():
    # a square 0-1-2-3-0 and a chord 0-2, both ways
    pairs = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)]
    edge_index = torch.tensor(pairs + [(b, a) for a, b in pairs]).T
    query = torch.tensor([[1, 3], [0, 2], [0, 1]]).T
    assert common_neighbours(edge_index, query, 4).tolist() == [2.0, 2.0, 1.0]
