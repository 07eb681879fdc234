"""Segmentation metrics in plain torch: mean IoU and pixel accuracy from a confusion matrix
over every evaluated pixel, and panoptic quality (Kirillov et al., 2019) as COCO's
panopticapi computes it.

mIoU convention (torchmetrics' MulticlassJaccardIndex(average="macro"), mmseg): the mean of
per-class IoU over the classes that occur in the targets or the predictions; a class absent
from both is left out rather than counted as 0 or 1."""

import torch

# Class id of void pixels in panoptic maps: no segment, excluded from matching.
SEGMENT_VOID = -1


def iou_per_class(confusion: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(IoU (K,), present (K,) bool) from a confusion matrix (row = target, column = pred)."""
    confusion = confusion.double()
    tp = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - tp
    return tp / union.clamp(min=1), union > 0


def mean_iou(confusion: torch.Tensor) -> float:
    iou, present = iou_per_class(confusion)
    return float(iou[present].mean()) if present.any() else 0.0


def pixel_accuracy(confusion: torch.Tensor) -> float:
    total = confusion.sum()
    return float(confusion.diag().sum().double() / total) if total > 0 else 0.0


def majority_confusion(confusion: torch.Tensor) -> torch.Tensor:
    """The confusion matrix of predicting the most frequent target class at every pixel."""
    targets = confusion.sum(dim=1)  # pixels per true class
    baseline = torch.zeros_like(confusion)
    baseline[:, int(targets.argmax())] = targets
    return baseline


def _segment_ids(
    classes: torch.Tensor, instances: torch.Tensor, things: torch.Tensor, num_classes: int
) -> torch.Tensor:
    """One id per segment, -1 on void: class * (max instance + 1) + instance, where stuff
    classes are one segment per image (instance 0) and a thing pixel without an instance id
    is void."""
    is_thing = torch.isin(classes, things)
    instances = torch.where(is_thing, instances, torch.zeros_like(instances))
    void = (classes < 0) | (classes >= num_classes) | (is_thing & (instances <= 0))
    ids = classes * (int(instances.max()) + 1) + instances
    return torch.where(void, torch.full_like(ids, -1), ids)


def panoptic_stats(
    pred_classes: torch.Tensor,
    pred_instances: torch.Tensor,
    target_classes: torch.Tensor,
    target_instances: torch.Tensor,
    num_classes: int,
    thing_classes,
) -> torch.Tensor:
    """Per-class (iou_sum, tp, fp, fn), shape (4, K) float64, summed over a batch of maps
    (B, H, W). A predicted and a target segment of the same class match when their IoU is
    over 0.5; the union leaves out the predicted pixels that are void in the target; an
    unmatched prediction that is more than half void in the target is not a false positive."""
    things = torch.tensor(sorted(thing_classes), dtype=torch.long, device=pred_classes.device)
    stats = torch.zeros(4, num_classes, dtype=torch.float64)
    for b in range(pred_classes.size(0)):
        pred = _segment_ids(pred_classes[b], pred_instances[b], things, num_classes).flatten()
        target = _segment_ids(target_classes[b], target_instances[b], things, num_classes)
        target = target.flatten()
        stats += _image_panoptic_stats(
            pred, target, pred_classes[b].flatten(), target_classes[b].flatten(), num_classes
        )
    return stats


def _image_panoptic_stats(
    pred: torch.Tensor,
    target: torch.Tensor,
    pred_classes: torch.Tensor,
    target_classes: torch.Tensor,
    num_classes: int,
) -> torch.Tensor:
    stats = torch.zeros(4, num_classes, dtype=torch.float64)
    pred_ids, pred_index = torch.unique(pred, return_inverse=True)
    target_ids, target_index = torch.unique(target, return_inverse=True)
    n_pred, n_target = pred_ids.numel(), target_ids.numel()
    pixels = torch.bincount(target_index * n_pred + pred_index, minlength=n_target * n_pred)
    overlap = pixels.view(n_target, n_pred).double()  # (targets, preds), void rows/cols too
    pred_area, target_area = overlap.sum(0), overlap.sum(1)
    # the class of each segment: that of any of its pixels
    pred_class = torch.zeros(n_pred, dtype=torch.long).scatter_(0, pred_index, pred_classes)
    target_class = torch.zeros(n_target, dtype=torch.long).scatter_(0, target_index, target_classes)
    pred_valid, target_valid = pred_ids >= 0, target_ids >= 0
    void_row = (~target_valid).nonzero()
    pred_void = overlap[void_row[0, 0]] if void_row.numel() else torch.zeros(n_pred).double()
    union = pred_area[None] + target_area[:, None] - overlap - pred_void[None]
    iou = overlap / union.clamp(min=1)
    same = target_class[:, None] == pred_class[None]
    match = (iou > 0.5) & same & target_valid[:, None] & pred_valid[None]
    matched_pred, matched_target = match.any(0), match.any(1)
    stats[0].index_add_(0, target_class[matched_target], (iou * match).sum(1)[matched_target])
    stats[1].index_add_(
        0, target_class[matched_target], torch.ones(int(matched_target.sum()), dtype=torch.float64)
    )
    false_pos = pred_valid & ~matched_pred & (pred_void <= 0.5 * pred_area)
    stats[2].index_add_(
        0, pred_class[false_pos], torch.ones(int(false_pos.sum()), dtype=torch.float64)
    )
    false_neg = target_valid & ~matched_target
    stats[3].index_add_(
        0, target_class[false_neg], torch.ones(int(false_neg.sum()), dtype=torch.float64)
    )
    return stats


def target_segments(
    target_classes: torch.Tensor, target_instances: torch.Tensor, num_classes: int, thing_classes
) -> list[tuple[torch.Tensor, torch.Tensor, int]]:
    """Per target map of a batch (B, H, W): (segment classes, segment areas, void pixels)."""
    things = torch.tensor(sorted(thing_classes), dtype=torch.long)
    records = []
    for classes, instances in zip(target_classes.cpu(), target_instances.cpu(), strict=True):
        ids = _segment_ids(classes, instances, things, num_classes).flatten()
        segment_ids, index = torch.unique(ids, return_inverse=True)
        areas = torch.bincount(index, minlength=segment_ids.numel())
        segment_class = torch.zeros_like(segment_ids).scatter_(0, index, classes.flatten())
        valid = segment_ids >= 0
        records.append((segment_class[valid], areas[valid], int(areas[~valid].sum())))
    return records


def uniform_prediction_stats(records, predicted_class: int, num_classes: int) -> torch.Tensor:
    """panoptic_stats of predicting one segment of `predicted_class` over every whole image,
    from the target segments alone: a target segment T of that class matches it when
    |T| / (pixels - void) > 0.5."""
    stats = torch.zeros(4, num_classes, dtype=torch.float64)
    for classes, areas, void in records:
        pixels = int(areas.sum()) + void
        iou = areas.double() / max(1, pixels - void)
        match = (classes == predicted_class) & (iou > 0.5)
        stats[0, predicted_class] += float(iou[match].sum())
        stats[1, predicted_class] += int(match.sum())
        if not match.any() and void <= 0.5 * pixels:
            stats[2, predicted_class] += 1
        stats[3].index_add_(
            0, classes[~match], torch.ones(int((~match).sum()), dtype=torch.float64)
        )
    return stats


def panoptic_quality(stats: torch.Tensor, classes=None) -> dict:
    """PQ, SQ and RQ averaged over the classes (all, or `classes`) with any segment; per class
    SQ = iou_sum / tp, RQ = tp / (tp + fp/2 + fn/2), PQ = SQ * RQ."""
    iou_sum, tp, fp, fn = stats
    selected = torch.zeros(stats.size(1), dtype=torch.bool)
    selected[list(range(stats.size(1))) if classes is None else list(classes)] = True
    denominator = tp + 0.5 * fp + 0.5 * fn
    counted = selected & (denominator > 0)
    sq = torch.where(tp > 0, iou_sum / tp.clamp(min=1), torch.zeros_like(tp))
    rq = torch.where(denominator > 0, tp / denominator.clamp(min=1e-12), torch.zeros_like(tp))
    if not counted.any():
        return {"pq": 0.0, "sq": 0.0, "rq": 0.0, "num_classes": 0}
    return {
        "pq": float((sq * rq)[counted].mean()),
        "sq": float(sq[counted].mean()),
        "rq": float(rq[counted].mean()),
        "num_classes": int(counted.sum()),
    }


def semantic_summary(confusion: torch.Tensor) -> dict:
    """mIoU and pixel accuracy, beside those of predicting the most frequent class."""
    baseline = majority_confusion(confusion)
    return {
        "mean_iou": mean_iou(confusion),
        "pixel_accuracy": pixel_accuracy(confusion),
        "baseline_mean_iou": mean_iou(baseline),
        "baseline_pixel_accuracy": pixel_accuracy(baseline),
    }


def panoptic_summary(stats: torch.Tensor, records, confusion: torch.Tensor, thing_classes) -> dict:
    """The semantic summary of `confusion`, and PQ, SQ, RQ over all classes, things and stuff,
    beside those of predicting one segment of the most frequent class (by pixels, from
    `confusion`) over every image."""
    num_classes = stats.size(1)
    majority = int(confusion.sum(dim=1).argmax())
    baseline = uniform_prediction_stats(records, majority, num_classes)
    things = sorted(thing_classes)
    stuff = [c for c in range(num_classes) if c not in set(things)]
    results = semantic_summary(confusion)
    for prefix, source in (("", stats), ("baseline_", baseline)):
        for suffix, subset in (("", None), ("_things", things), ("_stuff", stuff)):
            quality = panoptic_quality(source, subset)
            results.update({f"{prefix}{k}{suffix}": quality[k] for k in ("pq", "sq", "rq")})
    return results
