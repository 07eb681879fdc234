"""COCO average precision (pycocotools' COCOeval, area range "all", at most 100 detections per
image and class), in numpy: AP averaged over IoU thresholds 0.50:0.05:0.95, 101 recall points
and the classes that have ground truth. Crowd annotations are not supported (none are kept).

Images are given as dicts: ground truth {"classes" (G,), and "boxes" (G, 4) as (x0, y0, x1, y1)
or "masks" (G, H, W) bool}; detections the same plus "scores" (D,).
"""

import numpy as np

COCO_MAX_DETECTIONS = 100


def coco_iou_thresholds() -> np.ndarray:
    """0.50:0.05:0.95, computed as COCOeval does (np.linspace), so ties at a threshold agree."""
    return np.linspace(0.5, 0.95, 10)


def coco_recall_points() -> np.ndarray:
    return np.linspace(0.0, 1.0, 101)


def coco_box_ious(dt: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """IoU (D, G) of boxes (x0, y0, x1, y1), computed as pycocotools' bbIou does (from x, y,
    width and height, in float64)."""
    dt, gt = np.asarray(dt, np.float64).reshape(-1, 4), np.asarray(gt, np.float64).reshape(-1, 4)
    dx, dy, dw, dh = dt[:, 0:1], dt[:, 1:2], dt[:, 2:3] - dt[:, 0:1], dt[:, 3:4] - dt[:, 1:2]
    gx, gy, gw, gh = gt[:, 0], gt[:, 1], gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    w = np.minimum(dx + dw, gx + gw) - np.maximum(dx, gx)
    h = np.minimum(dy + dh, gy + gh) - np.maximum(dy, gy)
    inter = np.where((w > 0) & (h > 0), w * h, 0.0)
    union = dw * dh + gw * gh - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def coco_mask_ious(dt: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """IoU (D, G) of boolean masks (D, H, W) and (G, H, W): shared pixels over joint pixels."""
    dt, gt = np.asarray(dt, bool), np.asarray(gt, bool)
    pixels = int(np.prod(dt.shape[1:] if dt.ndim == 3 else gt.shape[1:]))
    dt = dt.reshape(len(dt), pixels).astype(np.float64)
    gt = gt.reshape(len(gt), pixels).astype(np.float64)
    inter = dt @ gt.T
    union = dt.sum(1)[:, None] + gt.sum(1)[None] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _match(ious: np.ndarray) -> np.ndarray:
    """(T, D) True where detection d (best score first) matches at threshold t: greedily, to
    the unmatched ground truth it overlaps most (the last of equals, as COCOeval)."""
    thresholds = coco_iou_thresholds()
    T, (D, G) = len(thresholds), ious.shape
    matched_dt = np.zeros((T, D), dtype=bool)
    taken = np.zeros((T, G), dtype=bool)
    if G == 0:
        return matched_dt
    limits = np.minimum(thresholds, 1 - 1e-10)[:, None]
    for d in range(D):
        free = ~taken & (ious[d][None] >= limits)  # (T, G)
        values = np.where(free, ious[d][None], -1.0)[:, ::-1]
        best = G - 1 - values.argmax(1)  # the last index holding the maximum
        hit = free.any(1)
        matched_dt[hit, d] = True
        taken[np.flatnonzero(hit), best[hit]] = True
    return matched_dt


def _precision_at_recalls(matched: np.ndarray, num_gt: int) -> np.ndarray:
    """Interpolated precision (T, 101) of detections sorted by score, as COCOeval."""
    tp = np.cumsum(matched, axis=1, dtype=np.float64)
    fp = np.cumsum(~matched, axis=1, dtype=np.float64)
    points = coco_recall_points()
    out = np.zeros((matched.shape[0], len(points)))
    for t in range(matched.shape[0]):
        recall = tp[t] / num_gt
        precision = tp[t] / (fp[t] + tp[t] + np.spacing(1))
        precision = np.maximum.accumulate(precision[::-1])[::-1]  # the envelope from the right
        index = np.searchsorted(recall, points, side="left")
        valid = index < len(precision)
        out[t, valid] = precision[index[valid]]
    return out


class CocoAccumulator:
    """COCO AP over images added one at a time. Each image's detections are matched as it is
    added, so only scores and match flags are kept (never the masks)."""

    def __init__(self, iou_type: str = "bbox") -> None:
        self.key, self.iou_fn = {
            "bbox": ("boxes", coco_box_ious),
            "segm": ("masks", coco_mask_ious),
        }[iou_type]
        # class -> (scores per image, (T, D) match flags per image, ground-truth count)
        self.per_class: dict[int, tuple[list, list, list]] = {}

    def add(self, gt: dict, dt: dict) -> None:
        gt_classes, dt_classes = np.asarray(gt["classes"]), np.asarray(dt["classes"])
        dt_scores = np.asarray(dt["scores"], np.float64)
        for k in sorted({int(c) for c in gt_classes} | {int(c) for c in dt_classes}):
            g, d = np.flatnonzero(gt_classes == k), np.flatnonzero(dt_classes == k)
            d = d[np.argsort(-dt_scores[d], kind="mergesort")][:COCO_MAX_DETECTIONS]
            ious = self.iou_fn(np.asarray(dt[self.key])[d], np.asarray(gt[self.key])[g])
            scores, matches, counts = self.per_class.setdefault(k, ([], [], []))
            scores.append(dt_scores[d])
            matches.append(_match(ious.reshape(len(d), len(g))))
            counts.append(len(g))

    def result(self) -> dict:
        """{"map": AP@[.50:.95], "map50", "map75", "classes_scored"}; every AP is -1 when no
        image has ground truth (COCOeval's convention). Classes without ground truth are left
        out of the mean, as COCOeval does."""
        per_class = []
        for k in sorted(self.per_class):
            scores, matches, counts = self.per_class[k]
            if sum(counts) == 0:
                continue
            order = np.argsort(-np.concatenate(scores), kind="mergesort")
            matched = np.concatenate(matches, axis=1)[:, order]
            per_class.append(_precision_at_recalls(matched, sum(counts)))
        if not per_class:
            return {"map": -1.0, "map50": -1.0, "map75": -1.0, "classes_scored": 0}
        precision = np.stack(per_class)  # (K, T, 101)
        return {
            "map": float(precision.mean()),
            "map50": float(precision[:, 0].mean()),
            "map75": float(precision[:, 5].mean()),
            "classes_scored": len(per_class),
        }


def coco_average_precision(images_gt: list, images_dt: list, iou_type: str = "bbox") -> dict:
    """COCO AP of every image's detections against its ground truth (CocoAccumulator)."""
    accumulator = CocoAccumulator(iou_type)
    for gt, dt in zip(images_gt, images_dt, strict=True):
        accumulator.add(gt, dt)
    return accumulator.result()
