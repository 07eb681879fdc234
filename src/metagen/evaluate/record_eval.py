"""Held-out evaluation of the record tasks, each beside its trivial baseline: regression
against the training mean, embedding recall against a random ranking's, ranking NDCG and MRR
against a random order's (exact expectations, not samples)."""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.record_metrics import ranking_metrics, regression_errors, retrieval_metrics
from metagen.train.record_losses import embedding_loss, pair_similarity, ranking_loss

RECALL_KS = (1, 5, 10)
NDCG_KS = (5, 10)


def _collect(model, batches, device, keys: tuple[str, ...]):
    """Model outputs and the batches' `keys`, concatenated on the CPU."""
    outputs: list[torch.Tensor] = []
    kept: dict[str, list[torch.Tensor]] = {key: [] for key in keys}
    for batch in batches:
        batch = move_batch(batch, device)
        outputs.append(model(**model_inputs(batch)).float().cpu())
        for key in keys:
            kept[key].append(batch[key].cpu())
    if not outputs:
        raise ValueError("cannot evaluate on an empty dataset")
    return torch.cat(outputs), {key: torch.cat(values) for key, values in kept.items()}


def evaluate_regression(model, batches, device) -> dict:
    """MSE in standardized units (the training loss); MAE, RMSE and R^2 in target units, and
    the same for predicting the training mean (0 once standardized)."""
    pred, kept = _collect(model, batches, device, ("targets", "target_scale"))
    target, scale = kept["targets"], kept["target_scale"]
    results = {"loss": float((pred - target).square().mean())}
    results.update(regression_errors(pred * scale, target * scale))
    baseline = regression_errors(torch.zeros_like(target), target * scale)
    results.update({f"mean_predictor_{name}": value for name, value in baseline.items()})
    results["num_samples"] = len(target)
    return results


def evaluate_embedding(model, batches, device) -> dict:
    """Anchors retrieve positives among every held-out pair at once (cosine similarity); a hit
    is an item of the anchor's group. Chance is a random ranking's expected recall."""
    losses, outputs, groups = [], [], []
    for batch in batches:
        batch = move_batch(batch, device)
        out = model(**model_inputs(batch)).float()
        losses.append(float(embedding_loss(out, batch)))
        outputs.append(out.cpu())
        groups.append(batch["labels"].cpu())
    if not outputs:
        raise ValueError("cannot evaluate on an empty dataset")
    similarity, labels = pair_similarity(torch.cat(outputs)), torch.cat(groups)
    results = {"loss": sum(losses) / len(losses)}
    results.update(retrieval_metrics(similarity, labels, RECALL_KS))
    results["num_samples"] = len(labels)
    return results


def evaluate_ranking(model, batches, device) -> dict:
    """NDCG@k (linear gains) and MRR (relevant: grade > 0) per list over its real items, and a
    random order's expected values for the same lists."""
    losses, lists = [], 0
    sums: dict[str, float] = {}
    for batch in batches:
        batch = move_batch(batch, device)
        out = model(**model_inputs(batch)).float()
        losses.append(float(ranking_loss(out, batch)))
        for scores, grades in zip(out.squeeze(-1).cpu(), batch["targets"].cpu(), strict=True):
            valid = grades >= 0
            metrics = ranking_metrics(grades[valid], scores[valid], NDCG_KS)
            for name, value in metrics.items():
                sums[name] = sums.get(name, 0.0) + value
            lists += 1
    if lists == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    results = {"loss": sum(losses) / len(losses)}
    results.update({name: value / lists for name, value in sorted(sums.items())})
    results["num_lists"] = lists
    return results
