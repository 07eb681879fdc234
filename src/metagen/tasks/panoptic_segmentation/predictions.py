"""Panoptic-DeepLab's held-out predictions for the plots (library only): the post-processed
panoptic maps of the first images, and over every held-out image the semantic branch's
confusion and the panoptic matching counts per class, as its evaluator computes them."""

from typing import Any

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import confusion_matrix
from metagen.evaluate.segmentation_metrics import panoptic_stats
from metagen.predictions.segmentation import keep_first, segmentation_predictions
from metagen.tasks.panoptic_segmentation.evaluate_grouping import panoptic_from_outputs
from metagen.train.checkpoint import unwrap_model


def collect_panoptic_segmentation(model, batches, device, info) -> dict:
    """collect_semantic_segmentation's dict, the confusion being the semantic branch's, with
    "thing_classes", "panoptic_stats" (4, K): per class (IoU sum, TP, FP, FN), and the samples'
    "true_instances" and "predicted_instances"; the predicted classes are the panoptic ones
    (-1: void, thing pixels no center claims)."""
    network: Any = unwrap_model(model)  # the registry's panoptic segmenter, with its config
    things = list(network.config.thing_classes)
    confusion, stats = None, None
    samples: dict[str, list] = {
        "images": [], "true_classes": [], "predicted_classes": [],
        "true_instances": [], "predicted_instances": [],
    }  # fmt: skip
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch)).float()  # (B, K + 3, H, W)
        num_classes = outputs.size(1) - 3
        classes, instances = batch["targets"][:, 0].cpu(), batch["targets"][:, 1].cpu()
        pred_classes, pred_instances = panoptic_from_outputs(outputs, num_classes, things)
        pred_classes, pred_instances = pred_classes.cpu(), pred_instances.cpu()
        counts = panoptic_stats(
            pred_classes, pred_instances, classes, instances, num_classes, things
        )
        stats = counts if stats is None else stats + counts
        semantic = outputs[:, :num_classes].argmax(1).cpu()
        pixels = confusion_matrix(semantic.flatten(), classes.flatten(), num_classes)
        confusion = pixels if confusion is None else confusion + pixels
        keep_first(
            samples, images=batch["images"], true_classes=classes, predicted_classes=pred_classes,
            true_instances=instances, predicted_instances=pred_instances,
        )  # fmt: skip
    if confusion is None or stats is None:
        raise ValueError("no held-out batches to predict on")
    collected = segmentation_predictions(info, confusion, samples)
    return {**collected, "thing_classes": sorted(int(k) for k in things), "panoptic_stats": stats}
