"""A fusion model's held-out outputs, with every input and with each one removed, that the
fusion tasks' evaluators score (tasks/fusion_classification, tasks/fusion_regression)."""

import torch

from metagen.data.batch import model_inputs, move_batch


@torch.no_grad()
def fusion_outputs(model, batches, device, target_key: str):
    """(outputs, targets, spike rate): outputs maps "all" and each modality's name (removed)
    to the concatenated outputs on the CPU, a row NaN where removing the modality left the
    sample no input; the spike rate is the mean over batches, or None without spiking
    layers."""
    modalities = list(model.config.modalities)
    outputs: dict[str, list[torch.Tensor]] = {name: [] for name in ["all", *modalities]}
    targets, rates = [], []
    for batch in batches:
        batch = move_batch(batch, device)
        inputs = model_inputs(batch)
        full, details = model.forward_details(**inputs)
        outputs["all"].append(full.float().cpu())
        if details["spike_rate"] is not None:
            rates.append(float(details["spike_rate"]))
        for name, removed in model.forward_each_removed(**inputs).items():
            outputs[name].append(removed.float().cpu())
        targets.append(batch[target_key].cpu())
    if not targets:
        raise ValueError("cannot evaluate on an empty dataset")
    concatenated = {name: torch.cat(parts) for name, parts in outputs.items()}
    return concatenated, torch.cat(targets), (sum(rates) / len(rates) if rates else None)
