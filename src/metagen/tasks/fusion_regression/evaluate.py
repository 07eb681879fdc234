"""Held-out errors of a fusion regressor's actions with every modality, and the mean squared
error with each one removed (masked, as a missing input is), beside predicting the held-out
mean."""

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.record_metrics import regression_errors


@torch.no_grad()
def evaluate_fusion_regression(model, batches, device) -> dict:
    modalities = list(model.config.modalities)
    predictions: dict[str, list[torch.Tensor]] = {name: [] for name in ["all", *modalities]}
    targets, rates = [], []
    for batch in batches:
        batch = move_batch(batch, device)
        inputs = model_inputs(batch)
        outputs, details = model.forward_details(**inputs)
        predictions["all"].append(outputs.float().cpu())
        if details["spike_rate"] is not None:
            rates.append(float(details["spike_rate"]))
        for name, removed in model.forward_each_removed(**inputs).items():
            predictions[name].append(removed.float().cpu())
        targets.append(batch["targets"].float().cpu())
    if not targets:
        raise ValueError("cannot evaluate on an empty dataset")
    truth, full = torch.cat(targets), torch.cat(predictions["all"])
    results = {"loss": float((full - truth).square().mean()), **regression_errors(full, truth)}
    for name in modalities:
        removed = torch.cat(predictions[name])
        left = removed.isfinite().all(-1)  # a sample with no other input is not scored
        if left.any():
            results[f"mse_without_{name}"] = float((removed - truth)[left].square().mean())
    mean = truth.mean(0, keepdim=True).expand_as(truth)
    results.update({f"mean_predictor_{k}": v for k, v in regression_errors(mean, truth).items()})
    results["mean_predictor_mse"] = float((mean - truth).square().mean())
    if rates:
        results["spike_rate"] = sum(rates) / len(rates)
    results["num_samples"] = len(truth)
    return results
