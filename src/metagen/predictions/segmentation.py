"""What a segmenter predicts on held-out batches: the confusion of predicted and true classes
over every held-out pixel (for the IoU of each class) and the first few images with their true
and predicted class maps (for the overlays)."""

from __future__ import annotations

import torch

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import confusion_matrix

SAMPLE_IMAGES = 8


def collect_semantic_segmentation(model, batches, device, info) -> dict:
    """{"kind": "segmentation", "class_names", "confusion" (K, K) over every held-out pixel
    (row = truth, column = prediction), "images" (n, C, H, W), "true_classes" and
    "predicted_classes" (n, H, W)}."""
    confusion = None
    samples: dict[str, list[torch.Tensor]] = {
        "images": [],
        "true_classes": [],
        "predicted_classes": [],
    }
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (B, K, H, W)
        predicted, targets = logits.argmax(1), batch["targets"]  # (B, H, W) each
        counts = confusion_matrix(predicted.flatten(), targets.flatten(), logits.size(1)).cpu()
        confusion = counts if confusion is None else confusion + counts
        keep_first(
            samples, images=batch["images"], true_classes=targets, predicted_classes=predicted
        )
    if confusion is None:
        raise ValueError("no held-out batches to predict on")
    return segmentation_predictions(info, confusion, samples)


def keep_first(samples: dict[str, list[torch.Tensor]], **batch_values: torch.Tensor) -> None:
    """Append each of `batch_values`' first items to `samples`' list of that name, up to
    SAMPLE_IMAGES in all."""
    room = SAMPLE_IMAGES - sum(len(kept) for kept in samples["images"])
    if room > 0:
        for name, values in batch_values.items():
            samples[name].append(values[:room].cpu())


def segmentation_predictions(info, confusion: torch.Tensor, samples: dict) -> dict:
    """The collected dict of a segmenter, from its confusion and its samples' lists (the maps
    as int16: class and instance ids are small, and -1 marks void)."""
    names = info.get("class_names") or [f"class {k}" for k in range(confusion.size(0))]
    collected = {
        "kind": "segmentation",
        "class_names": [str(name) for name in names],
        "confusion": confusion,
        "images": torch.cat(samples["images"]).float(),
    }
    for name, kept in samples.items():
        if name != "images":
            collected[name] = torch.cat(kept).to(torch.int16)
    return collected
