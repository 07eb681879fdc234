"""Semantic segmentation metrics against torchmetrics on fixed fixtures: mIoU as
MulticlassJaccardIndex(average="macro") (classes absent from both targets and predictions are
left out), pixel accuracy as MulticlassAccuracy(average="micro"); the evaluator end to end; the
majority-class baseline; the CE + Dice loss."""

import pytest
import torch
import torch.nn.functional as F
from torchmetrics.classification import MulticlassAccuracy, MulticlassJaccardIndex

from metagen.evaluate.metrics import confusion_matrix
from metagen.evaluate.segmentation_metrics import (
    majority_confusion,
    mean_iou,
    pixel_accuracy,
    semantic_summary,
)
from metagen.tasks.semantic_segmentation.evaluate import evaluate_semantic_segmentation
from metagen.train.segmentation_losses import semantic_segmentation_loss, soft_dice_loss

torch.set_num_threads(1)


def reference(preds: torch.Tensor, targets: torch.Tensor, num_classes: int) -> tuple[float, float]:
    jaccard = MulticlassJaccardIndex(num_classes=num_classes, average="macro")
    accuracy = MulticlassAccuracy(num_classes=num_classes, average="micro")
    return float(jaccard(preds, targets)), float(accuracy(preds, targets))


def ours(preds: torch.Tensor, targets: torch.Tensor, num_classes: int) -> tuple[float, float]:
    confusion = confusion_matrix(preds.flatten(), targets.flatten(), num_classes)
    return mean_iou(confusion), pixel_accuracy(confusion)


@pytest.mark.parametrize("seed", range(4))
def test_random_maps_match_torchmetrics(seed):
    g = torch.Generator().manual_seed(seed)
    targets = torch.randint(0, 6, (3, 17, 23), generator=g)
    preds = torch.where(
        torch.rand(targets.shape, generator=g) < 0.6,
        targets,
        torch.randint(0, 6, targets.shape, generator=g),
    )
    got, expected = ours(preds, targets, 6), reference(preds, targets, 6)
    assert got == pytest.approx(expected, abs=1e-6)


def test_classes_absent_from_targets_and_predictions_are_left_out():
    # 7 classes; only 0, 1, 2 and 5 occur: 3, 4 and 6 are absent from both maps.
    targets = torch.tensor([[0, 0, 1, 1], [2, 2, 0, 0]])
    preds = torch.tensor([[0, 1, 1, 1], [2, 5, 0, 0]])
    # IoU: class 0: 3/4, class 1: 2/3, class 2: 1/2, class 5 (predicted only): 0
    expected_miou = (3 / 4 + 2 / 3 + 1 / 2 + 0) / 4
    got = ours(preds, targets, 7)
    assert got == pytest.approx((expected_miou, 6 / 8), abs=1e-12)
    assert got == pytest.approx(reference(preds, targets, 7), abs=1e-6)


def test_a_class_only_in_the_targets_counts_as_zero():
    targets = torch.tensor([[0, 0, 0, 3]])
    preds = torch.tensor([[0, 0, 0, 0]])
    assert ours(preds, targets, 4) == pytest.approx((0.75 / 2, 0.75), abs=1e-12)
    assert ours(preds, targets, 4) == pytest.approx(reference(preds, targets, 4), abs=1e-6)


def test_majority_baseline_is_all_background_prediction():
    g = torch.Generator().manual_seed(0)
    targets = torch.zeros(4, 16, 16, dtype=torch.long)
    targets[:, 4:8, 4:8] = torch.randint(1, 4, (4, 1, 1), generator=g)
    targets[:, 10:12, 2:14] = 4
    preds = torch.randint(0, 5, targets.shape, generator=g)
    summary = semantic_summary(confusion_matrix(preds.flatten(), targets.flatten(), 5))
    background = torch.zeros_like(targets)
    expected = reference(background, targets, 5)
    assert (summary["baseline_mean_iou"], summary["baseline_pixel_accuracy"]) == pytest.approx(
        expected, abs=1e-6
    )
    assert (summary["mean_iou"], summary["pixel_accuracy"]) == pytest.approx(
        reference(preds, targets, 5), abs=1e-6
    )
    assert torch.equal(
        majority_confusion(confusion_matrix(preds.flatten(), targets.flatten(), 5)),
        confusion_matrix(background.flatten(), targets.flatten(), 5),
    )


class FixedLogits(torch.nn.Module):
    """Returns precomputed logits for the images of a batch, looked up by their first pixel."""

    def __init__(self, logits: torch.Tensor) -> None:
        super().__init__()
        self.logits = logits
        self.anchor = torch.nn.Parameter(torch.zeros(()))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.logits[images[:, 0, 0, 0].long()] + 0 * self.anchor


def test_evaluator_accumulates_over_batches_like_torchmetrics():
    g = torch.Generator().manual_seed(1)
    n, k = 10, 5
    targets = torch.randint(0, k, (n, 12, 12), generator=g)
    targets[:, :6] = 0  # a majority class
    logits = torch.randn(n, k, 12, 12, generator=g) + 3 * F.one_hot(targets, k).permute(
        0, 3, 1, 2
    ) * (torch.rand(n, 1, 12, 12, generator=g) < 0.7)
    images = torch.arange(n, dtype=torch.float32)[:, None, None, None].expand(n, 1, 12, 12)
    batches = [{"images": images[i : i + 4], "targets": targets[i : i + 4]} for i in (0, 4, 8)]
    with torch.no_grad():
        results = evaluate_semantic_segmentation(FixedLogits(logits), batches, torch.device("cpu"))
    miou, acc = reference(logits.argmax(1), targets, k)
    assert results["mean_iou"] == pytest.approx(miou, abs=1e-6)
    assert results["pixel_accuracy"] == pytest.approx(acc, abs=1e-6)
    assert (results["baseline_mean_iou"], results["baseline_pixel_accuracy"]) == pytest.approx(
        reference(torch.zeros_like(targets), targets, k), abs=1e-6
    )
    assert results["num_samples"] == n
    per_batch = [
        float(semantic_segmentation_loss(logits[i : i + 4], b)) * len(b["targets"])
        for i, b in zip((0, 4, 8), batches, strict=True)
    ]
    assert results["loss"] == pytest.approx(sum(per_batch) / n, rel=1e-6)


def test_soft_dice_against_a_per_class_loop():
    g = torch.Generator().manual_seed(2)
    logits = torch.randn(2, 4, 5, 6, generator=g)
    targets = torch.randint(0, 3, (2, 5, 6), generator=g)  # class 3 absent from the targets
    probs = logits.softmax(1)
    dice = []
    for c in range(4):
        p, t = probs[:, c], (targets == c).float()
        dice.append((2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1))
    assert float(soft_dice_loss(logits, targets)) == pytest.approx(
        float(1 - torch.stack(dice).mean()), abs=1e-6
    )
    perfect = 50 * F.one_hot(targets, 4).permute(0, 3, 1, 2).float()
    assert float(soft_dice_loss(perfect, targets)) < 1e-6
    expected = F.cross_entropy(logits, targets) + soft_dice_loss(logits, targets)
    loss = semantic_segmentation_loss(logits, {"targets": targets})
    assert float(loss) == pytest.approx(float(expected), abs=1e-6)
