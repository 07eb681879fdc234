"""Held-out accuracy, top-5 accuracy and macro F1 of a classifier, beside the majority class."""

import torch
import torch.nn.functional as F

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.metrics import macro_f1


def evaluate_classifier(model, batches, device) -> dict:
    loss_sum, top5, num_classes = 0.0, 0, 0
    preds: list[torch.Tensor] = []
    labels: list[torch.Tensor] = []
    for batch in batches:
        batch = move_batch(batch, device)
        logits = model(**model_inputs(batch)).float()  # (B, K)
        target = batch["labels"]  # (B,)
        num_classes = logits.size(-1)
        loss_sum += float(F.cross_entropy(logits, target, reduction="sum"))
        if num_classes >= 5:
            top5 += int((logits.topk(5, dim=-1).indices == target[:, None]).any(-1).sum())
        preds.append(logits.argmax(-1).cpu())
        labels.append(target.cpu())
    if not preds:
        raise ValueError("cannot evaluate on an empty dataset")
    predicted, truth = torch.cat(preds), torch.cat(labels)
    samples = truth.numel()
    correct = int((predicted == truth).sum())
    results = {"loss": loss_sum / samples, "accuracy": correct / samples}
    if num_classes >= 5:
        results["top5_accuracy"] = top5 / samples
    results["macro_f1"] = macro_f1(predicted, truth, num_classes)
    # the trivial baseline: always answer the held-out set's most frequent class
    results["majority_class_accuracy"] = int(torch.bincount(truth).max()) / samples
    results["num_samples"] = samples
    return results
