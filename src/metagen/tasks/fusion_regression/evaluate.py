"""Held-out errors of a fusion regressor's actions with every modality, and the mean squared
error with each one removed (masked, as a missing input is), beside predicting the held-out
mean."""

import torch

from metagen.evaluate.fusion_outputs import fusion_outputs
from metagen.evaluate.record_metrics import regression_errors


@torch.no_grad()
def evaluate_fusion_regression(model, batches, device) -> dict:
    predictions, truth, spike_rate = fusion_outputs(model, batches, device, "targets")
    truth, full = truth.float(), predictions["all"]
    results = {"loss": float((full - truth).square().mean()), **regression_errors(full, truth)}
    for name in model.config.modalities:
        removed = predictions[name]
        left = removed.isfinite().all(-1)  # a sample with no other input is not scored
        if left.any():
            results[f"mse_without_{name}"] = float((removed - truth)[left].square().mean())
    mean = truth.mean(0, keepdim=True).expand_as(truth)
    results.update({f"mean_predictor_{k}": v for k, v in regression_errors(mean, truth).items()})
    results["mean_predictor_mse"] = float((mean - truth).square().mean())
    if spike_rate is not None:
        results["spike_rate"] = spike_rate
    results["num_samples"] = len(truth)
    return results
