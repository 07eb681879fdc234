"""Class probabilities and true labels of a classifier on held-out batches, and a few of the
inputs themselves where they are pictures (for a preview of classified images)."""

from __future__ import annotations

import torch

from metagen.data.batch import model_inputs, move_batch

PREVIEW_IMAGES = 16


def collect_class_scores(model, batches, device, info) -> dict:
    """{"kind": "class_scores", probabilities (N, K), labels (N,), class_names, and images
    (n, C, H, W) for up to 16 pictured inputs}."""
    probabilities: list[torch.Tensor] = []
    labels: list[torch.Tensor] = []
    images: list[torch.Tensor] = []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()
        probabilities.append(logits.softmax(-1).cpu())
        labels.append(batch["labels"].cpu())
        pictures = batch.get("images")
        if isinstance(pictures, torch.Tensor) and pictures.dim() == 4:
            images.append(pictures[: PREVIEW_IMAGES - sum(int(i.shape[0]) for i in images)].cpu())
    collected = class_scores(probabilities, labels, info.get("class_names"))
    if images:
        collected["images"] = torch.cat(images)
    return collected


def class_scores(
    probabilities: list[torch.Tensor], labels: list[torch.Tensor], names, most: int | None = None
) -> dict:
    """The "class_scores" dict of batches' probabilities (n, K) and true classes (n,), at
    most `most` samples; classes unnamed are named by their index."""
    if not labels:
        raise ValueError("no held-out batches to predict on")
    probs = torch.cat(probabilities)[:most]
    names = names or [str(k) for k in range(probs.shape[1])]
    return {
        "kind": "class_scores",
        "probabilities": probs,
        "labels": torch.cat(labels)[:most],
        "class_names": [str(name) for name in names],
    }
