"""Held-out evaluation of a ranker: NDCG and MRR per list, beside a random order's (exact
expectations, not samples)."""

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.record_metrics import ranking_metrics
from metagen.train.record_losses import ranking_loss

NDCG_KS = (5, 10)


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
