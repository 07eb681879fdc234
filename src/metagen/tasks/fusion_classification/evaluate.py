"""Held-out accuracy of a fusion classifier with every modality, and with each one removed
(masked, as a missing input is; over the samples that still have an input), beside the
majority class."""

import torch
import torch.nn.functional as F

from metagen.evaluate.fusion_outputs import fusion_outputs


@torch.no_grad()
def evaluate_fusion(model, batches, device) -> dict:
    logits, truth, spike_rate = fusion_outputs(model, batches, device, "labels")
    full, samples = logits["all"], len(truth)
    results = {
        "loss": float(F.cross_entropy(full, truth)),
        "accuracy": float((full.argmax(-1) == truth).double().mean()),
    }
    for name in model.config.modalities:
        left = logits[name].isfinite().all(-1)  # a sample with no other input is not scored
        if left.any():
            right = logits[name].argmax(-1) == truth
            results[f"accuracy_without_{name}"] = int(right[left].sum()) / int(left.sum())
    if spike_rate is not None:
        results["spike_rate"] = spike_rate
    results["majority_class_accuracy"] = int(torch.bincount(truth).max()) / samples
    results["num_samples"] = samples
    return results
