"""The record tasks' evaluators through evaluate_model, against references computed from the
same outputs: scikit-learn (regression errors, NDCG, the majority-class baseline),
torchmetrics (MRR) and a numpy brute-force retrieval."""

from __future__ import annotations

import numpy as np
import torch
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier
from torch import nn
from torchmetrics.retrieval import RetrievalMRR

from metagen.data.records import TensorRecords
from metagen.tasks.runtime import evaluate_model

torch.set_num_threads(1)
TOL = 1e-6


class Linear(nn.Module):
    def __init__(self, features: int, outputs: int) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc = nn.Linear(features, outputs)

    def forward(self, features):
        return self.fc(features)


def test_classifier_reports_the_majority_class_baseline():
    g = torch.Generator().manual_seed(1)
    features = torch.randn(53, 4, generator=g)
    labels = torch.tensor([0] * 30 + [1] * 15 + [2] * 8)
    results = evaluate_model(
        Linear(4, 3),
        "classification",
        TensorRecords({"features": features, "labels": labels}),
        batch_size=16,
    )
    dummy = DummyClassifier(strategy="most_frequent").fit(features.numpy(), labels.numpy())
    assert abs(results["majority_class_accuracy"] - dummy.score(features, labels)) < TOL


def test_regression_errors_are_in_target_units_beside_the_mean_predictor():
    g = torch.Generator().manual_seed(2)
    features, targets = torch.randn(37, 3, generator=g), torch.randn(37, 1, generator=g)
    scale = torch.full_like(targets, 12.5)  # the target's spread: standardized -> units
    model = Linear(3, 1)
    data = TensorRecords({"features": features, "targets": targets, "target_scale": scale})
    results = evaluate_model(model, "regression", data, batch_size=8)
    with torch.no_grad():
        pred = model(features).numpy() * 12.5
    truth = targets.numpy() * 12.5
    assert abs(results["mae"] - skm.mean_absolute_error(truth, pred)) < TOL
    assert abs(results["rmse"] - skm.root_mean_squared_error(truth, pred)) < TOL
    assert abs(results["r2"] - skm.r2_score(truth, pred)) < TOL
    zeros = np.zeros_like(truth)  # the training mean, once standardized
    assert abs(results["mean_predictor_mae"] - skm.mean_absolute_error(truth, zeros)) < TOL
    assert abs(results["mean_predictor_r2"] - skm.r2_score(truth, zeros)) < TOL
    with torch.no_grad():
        mse = float(((model(features) - targets) ** 2).mean())
    assert abs(results["loss"] - mse) < 1e-5


def test_ranking_metrics_cover_each_list_real_items_only():
    g = torch.Generator().manual_seed(3)
    features = torch.randn(6, 5, 4, generator=g)
    grades = torch.randint(0, 4, (6, 5), generator=g).float()
    grades[0, 3:] = -1  # padding at the end of two lists
    grades[4, 4] = -1
    model = Linear(4, 1)
    results = evaluate_model(
        model, "ranking", TensorRecords({"features": features, "targets": grades}), batch_size=4
    )
    with torch.no_grad():
        scores = model(features).squeeze(-1)
    ndcg5, mrr = [], RetrievalMRR()
    for i in range(6):
        valid = grades[i] >= 0
        truth, pred = grades[i][valid], scores[i][valid]
        ndcg5.append(skm.ndcg_score([truth.numpy()], [pred.numpy()], k=5) if truth.any() else 0.0)
        # torchmetrics 1.9 ignores items scored 0 or less: give it the same order, positive
        mrr.update(torch.sigmoid(pred), truth > 0, indexes=torch.full((len(pred),), i))
    assert results["num_lists"] == 6
    assert abs(results["ndcg_at_5"] - np.mean(ndcg5)) < TOL
    assert abs(results["mrr"] - float(mrr.compute())) < TOL


def test_embedding_recall_is_retrieval_among_every_held_out_pair():
    g = torch.Generator().manual_seed(4)
    base = torch.randn(40, 6, generator=g)
    pairs = torch.stack([base, base + 0.8 * torch.randn(40, 6, generator=g)], dim=1)
    groups = torch.arange(40) // 2  # pairs 2k and 2k+1 share a group

    class Identity(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.unused = nn.Parameter(torch.zeros(1))

        def forward(self, features):
            return features

    data = TensorRecords({"features": pairs, "labels": groups})
    results = evaluate_model(Identity(), "embedding", data, batch_size=16)
    a = pairs[:, 0] / pairs[:, 0].norm(dim=1, keepdim=True)
    p = pairs[:, 1] / pairs[:, 1].norm(dim=1, keepdim=True)
    similarity = (a @ p.T).numpy()
    for k in (1, 5, 10):
        hits = [
            any(groups[j] == groups[q] for j in np.argsort(-similarity[q])[:k]) for q in range(40)
        ]
        assert abs(results[f"recall_at_{k}"] - np.mean(hits)) < TOL
        assert results[f"chance_recall_at_{k}"] < results[f"recall_at_{k}"]
    assert results["num_samples"] == 40
