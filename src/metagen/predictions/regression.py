"""Predicted and true values of a regressor on held-out batches, in the targets' own units
(standardized targets are scaled and shifted back by the training set's spread and mean)."""

from __future__ import annotations

import torch

from metagen.data.batch import model_inputs, move_batch

MAX_POINTS = 5000  # the first held-out samples: enough for a scatter, cheap to keep


def collect_regression(model, batches, device, info) -> dict:
    """{"kind": "regression", predicted (N, D), true (N, D), target_names}."""
    predicted, true = [], []
    kept = 0
    for batch in batches:
        if kept >= MAX_POINTS:
            break
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch)).float()
        targets = batch["targets"].float()
        scale = batch.get("target_scale")  # standardized targets carry their spread
        if scale is not None:
            outputs, targets = outputs * scale, targets * scale
        predicted.append(outputs.reshape(len(outputs), -1).cpu())  # (B, D)
        true.append(targets.reshape(len(targets), -1).cpu())
        kept += len(outputs)
    if not true:
        raise ValueError("no held-out batches to predict on")
    mean = torch.tensor(info.get("target_mean") or [0.0], dtype=torch.float32)
    predicted_values, true_values = torch.cat(predicted)[:MAX_POINTS], torch.cat(true)[:MAX_POINTS]
    outputs = true_values.shape[1]
    names = info.get("target_names") or info.get("action_names")
    return {
        "kind": "regression",
        "predicted": predicted_values + mean,
        "true": true_values + mean,
        "target_names": [str(n) for n in names] if names else [f"y{k}" for k in range(outputs)],
    }
