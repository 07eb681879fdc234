"""Held-out panoptic quality of the post-processed predictions, and the semantic branch's
mIoU, each beside the baseline that predicts the most frequent class everywhere."""

from typing import Any

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import confusion_matrix
from metagen.evaluate.segmentation_metrics import panoptic_stats, panoptic_summary, target_segments
from metagen.tasks.panoptic_segmentation.evaluate_grouping import panoptic_from_outputs
from metagen.train.checkpoint import unwrap_model
from metagen.train.segmentation_losses import panoptic_segmentation_loss


def evaluate_panoptic_segmentation(model, batches, device) -> dict:
    network: Any = unwrap_model(model)  # the registry's panoptic segmenter, with its config
    things = list(network.config.thing_classes)
    confusion, stats, records, loss_sum, samples = None, None, [], 0.0, 0
    for batch in batches:
        batch = move_batch(batch, device)
        outputs = model(**model_inputs(batch)).float()  # (B, K + 3, H, W)
        num_classes = outputs.size(1) - 3
        classes, instances = batch["targets"][:, 0].cpu(), batch["targets"][:, 1].cpu()
        loss_sum += float(panoptic_segmentation_loss(outputs, batch)) * classes.size(0)
        pred_classes, pred_instances = panoptic_from_outputs(outputs, num_classes, things)
        batch_stats = panoptic_stats(
            pred_classes.cpu(), pred_instances.cpu(), classes, instances, num_classes, things
        )
        stats = batch_stats if stats is None else stats + batch_stats
        records += target_segments(classes, instances, num_classes, things)
        semantic = outputs[:, :num_classes].argmax(1).cpu()
        counts = confusion_matrix(semantic.flatten(), classes.flatten(), num_classes)
        confusion = counts if confusion is None else confusion + counts
        samples += classes.size(0)
    if samples == 0 or stats is None or confusion is None:
        raise ValueError("cannot evaluate on an empty dataset")
    return {
        "loss": loss_sum / samples,
        **panoptic_summary(stats, records, confusion, things),
        "num_samples": samples,
    }
