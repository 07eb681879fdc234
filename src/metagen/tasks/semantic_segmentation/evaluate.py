"""Held-out semantic segmentation metrics, beside those of the trivial baseline that predicts
the most frequent class of the evaluated pixels everywhere."""

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import confusion_matrix
from metagen.evaluate.segmentation_metrics import semantic_summary
from metagen.train.segmentation_losses import semantic_segmentation_loss


def evaluate_semantic_segmentation(model, batches, device) -> dict:
    confusion, loss_sum, samples = None, 0.0, 0
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (B, K, H, W)
        targets = batch["targets"]  # (B, H, W)
        loss_sum += float(semantic_segmentation_loss(logits, batch)) * targets.size(0)
        counts = confusion_matrix(logits.argmax(1).flatten(), targets.flatten(), logits.size(1))
        confusion = counts.cpu() if confusion is None else confusion + counts.cpu()
        samples += targets.size(0)
    if samples == 0 or confusion is None:
        raise ValueError("cannot evaluate on an empty dataset")
    return {"loss": loss_sum / samples, **semantic_summary(confusion), "num_samples": samples}
