"""Held-out evaluation of a regressor, beside the trivial baseline that predicts the training
mean."""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.record_metrics import regression_errors


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
