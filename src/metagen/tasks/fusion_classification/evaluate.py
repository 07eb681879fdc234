"""Held-out accuracy of a fusion classifier with every modality, and with each one removed
(masked, as a missing input is; over the samples that still have an input), beside the
majority class."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch


@torch.no_grad()
def evaluate_fusion(model, batches, device) -> dict:
    modalities = list(model.config.modalities)
    correct = dict.fromkeys(["all", *modalities], 0)
    scored = dict.fromkeys(modalities, 0)  # samples left with an input once one is removed
    loss_sum, samples, labels = 0.0, 0, []
    rates = []
    for batch in batches:
        batch = move_batch(batch, device)
        inputs, target = model_inputs(batch), batch["labels"]
        logits, details = model.forward_details(**inputs)
        loss_sum += float(F.cross_entropy(logits.float(), target, reduction="sum"))
        correct["all"] += int((logits.argmax(-1) == target).sum())
        if details["spike_rate"] is not None:
            rates.append(float(details["spike_rate"]))
        for name, removed in model.forward_each_removed(**inputs).items():
            left = removed.isfinite().all(-1)  # a sample with no other input is not scored
            correct[name] += int((removed.argmax(-1) == target)[left].sum())
            scored[name] += int(left.sum())
        samples += len(target)
        labels.append(target.cpu())
    if not samples:
        raise ValueError("cannot evaluate on an empty dataset")
    truth = torch.cat(labels)
    results = {"loss": loss_sum / samples, "accuracy": correct["all"] / samples}
    results.update({f"accuracy_without_{name}": correct[name] / scored[name]
                    for name in modalities if scored[name]})  # fmt: skip
    if rates:
        results["spike_rate"] = sum(rates) / len(rates)
    results["majority_class_accuracy"] = int(torch.bincount(truth).max()) / samples
    results["num_samples"] = samples
    return results
