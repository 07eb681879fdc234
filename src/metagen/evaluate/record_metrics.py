"""Regression, retrieval and ranking metrics in plain torch, with the trivial baselines beside
them. Each follows a reference that the tests compare it with: scikit-learn's r2_score,
mean_absolute_error, root_mean_squared_error and ndcg_score, torchmetrics' RetrievalMRR."""

import math

import torch


def regression_errors(pred: torch.Tensor, target: torch.Tensor) -> dict:
    """MAE, RMSE and R^2 of pred against target (N, D), each averaged over the D outputs as
    scikit-learn's multioutput="uniform_average" does."""
    pred, target = pred.double(), target.double()
    error = pred - target
    mae = error.abs().mean(dim=0)
    rmse = error.square().mean(dim=0).sqrt()
    residual = error.square().sum(dim=0)
    total = (target - target.mean(dim=0)).square().sum(dim=0)
    # scikit-learn: a constant target scores 1 when predicted exactly, else 0
    r2 = torch.where(total > 0, 1 - residual / total.clamp(min=1e-300), (residual == 0).double())
    return {"mae": float(mae.mean()), "rmse": float(rmse.mean()), "r2": float(r2.mean())}


def group_retrieval_ranks(similarity: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
    """For each query row of similarity (N, N), the rank (0 first) of its best-placed gallery
    item of the same group. Ties count against the query: an item scoring the same as the
    match ranks ahead of it, so a constant similarity retrieves nothing."""
    same = groups[:, None] == groups[None, :]  # (N, N)
    best = similarity.masked_fill(~same, float("-inf")).max(dim=1).values  # (N,)
    return (similarity >= best[:, None]).sum(dim=1) - 1


def group_recall_at_k(similarity: torch.Tensor, groups: torch.Tensor, k: int) -> float:
    """Fraction of queries with an item of their own group among the first k retrieved."""
    return float((group_retrieval_ranks(similarity, groups) < k).double().mean())


def chance_group_recall_at_k(groups: torch.Tensor, k: int) -> float:
    """group_recall_at_k of a uniformly random ranking, exactly: 1 - C(N-g, k) / C(N, k) for
    a query whose group has g of the N gallery items."""
    n = groups.numel()
    sizes = torch.bincount(groups)[groups].tolist()
    return sum(1 - math.comb(n - g, k) / math.comb(n, k) for g in sizes) / n


def _ndcg_discounts(n: int, k: int | None) -> torch.Tensor:
    discount = 1 / torch.log2(torch.arange(n, dtype=torch.float64) + 2)
    if k is not None:
        discount[k:] = 0
    return discount


def list_ndcg(grades: torch.Tensor, scores: torch.Tensor, k: int | None) -> float:
    """NDCG@k of one list with linear gains and tied scores averaged, as scikit-learn's
    ndcg_score; a list without relevant items scores 0."""
    grades, scores = grades.double(), scores.double()
    discount = _ndcg_discounts(grades.numel(), k)
    ideal = float((grades.sort(descending=True).values * discount).sum())
    if ideal == 0:
        return 0.0
    _, inverse, counts = torch.unique(-scores, return_inverse=True, return_counts=True)
    ranked = torch.zeros(len(counts), dtype=torch.float64).index_add_(0, inverse, grades)
    ranked /= counts  # the mean gain of each tie group, best score first
    cumulative = discount.cumsum(0)[counts.cumsum(0) - 1]
    group_discounts = torch.diff(cumulative, prepend=cumulative.new_zeros(1))
    return float((ranked * group_discounts).sum()) / ideal


def list_reciprocal_rank(relevant: torch.Tensor, scores: torch.Tensor) -> float:
    """1 / rank of the first relevant item when sorted by score (0 with none relevant)."""
    order = torch.argsort(scores, descending=True, stable=True)
    hits = relevant[order].nonzero()
    return 0.0 if hits.numel() == 0 else 1.0 / (int(hits[0, 0]) + 1)


def random_ndcg(grades: torch.Tensor, k: int | None) -> float:
    """Expected NDCG@k of a uniformly random order: each position's expected gain is the
    list's mean grade."""
    grades = grades.double()
    discount = _ndcg_discounts(grades.numel(), k)
    ideal = float((grades.sort(descending=True).values * discount).sum())
    return 0.0 if ideal == 0 else float(grades.mean() * discount.sum()) / ideal


def random_reciprocal_rank(num_items: int, num_relevant: int) -> float:
    """Expected reciprocal rank of the first of m relevant items among n in random order:
    the first is at rank r with probability C(n - r, m - 1) / C(n, m)."""
    n, m = num_items, num_relevant
    if m == 0:
        return 0.0
    return sum(math.comb(n - r, m - 1) / r for r in range(1, n - m + 2)) / math.comb(n, m)


def retrieval_metrics(similarity: torch.Tensor, groups: torch.Tensor, ks) -> dict:
    """recall_at_k and its chance value for each k below the number of queries."""
    results = {}
    for k in (k for k in ks if k < len(groups)):
        results[f"recall_at_{k}"] = group_recall_at_k(similarity, groups, k)
        results[f"chance_recall_at_{k}"] = chance_group_recall_at_k(groups, k)
    return results


def ranking_metrics(grades: torch.Tensor, scores: torch.Tensor, ks) -> dict:
    """MRR (relevant: grade > 0) and NDCG@k of one list, beside a random order's."""
    relevant = grades > 0
    results = {
        "mrr": list_reciprocal_rank(relevant, scores),
        "random_mrr": random_reciprocal_rank(len(grades), int(relevant.sum())),
    }
    for k in ks:
        results[f"ndcg_at_{k}"] = list_ndcg(grades, scores, k)
        results[f"random_ndcg_at_{k}"] = random_ndcg(grades, k)
    return results
