"""Panoptic quality against torchmetrics' PanopticQuality (which needs no torchvision) and
against a brute-force reference written here from the definition (Kirillov et al. 2019, with
COCO panopticapi's void rules), on hand-built and random fixtures; Panoptic-DeepLab's targets
and post-processing; the panoptic evaluator end to end."""

import pytest
import torch
from torchmetrics.functional.detection import panoptic_quality as tm_panoptic_quality

from metagen.evaluate.segmentation_metrics import (
    panoptic_quality,
    panoptic_stats,
    target_segments,
    uniform_prediction_stats,
)
from metagen.tasks.panoptic_segmentation.evaluate import evaluate_panoptic_segmentation
from metagen.tasks.panoptic_segmentation.evaluate_grouping import panoptic_from_outputs
from metagen.train.segmentation_losses import panoptic_segmentation_loss, panoptic_targets

torch.set_num_threads(1)

VOID = -1


def brute_force_pq(preds, targets, things, num_classes):
    """preds, targets: (B, H, W, 2) [class, instance]. Segments are sets of pixels: stuff one per
    class, things one per instance; class -1 and thing pixels without an instance are void.
    Match at IoU > 0.5 (the union leaves out predicted pixels on target void); unmatched
    predictions more than half on target void are not false positives."""
    stats = {c: [0.0, 0, 0, 0] for c in range(num_classes)}  # iou_sum, tp, fp, fn
    for pred, target in zip(preds.tolist(), targets.tolist(), strict=True):

        def segments(image):
            found, void = {}, set()
            for y, row in enumerate(image):
                for x, (c, i) in enumerate(row):
                    if c == VOID or (c in things and i <= 0):
                        void.add((y, x))
                    else:
                        found.setdefault((c, i if c in things else 0), set()).add((y, x))
            return found, void

        pred_segments, _ = segments(pred)
        target_segments_, target_void = segments(target)
        matched_pred, matched_target = set(), set()
        for tkey, t in target_segments_.items():
            for pkey, p in pred_segments.items():
                if tkey[0] != pkey[0]:
                    continue
                union = len(t | p) - len(p & target_void)
                iou = len(t & p) / union
                if iou > 0.5:
                    stats[tkey[0]][0] += iou
                    stats[tkey[0]][1] += 1
                    matched_pred.add(pkey)
                    matched_target.add(tkey)
        for pkey, p in pred_segments.items():
            if pkey not in matched_pred and len(p & target_void) / len(p) <= 0.5:
                stats[pkey[0]][2] += 1
        for tkey in target_segments_:
            if tkey not in matched_target:
                stats[tkey[0]][3] += 1
    per_class = []
    for iou_sum, tp, fp, fn in stats.values():
        if tp + fp + fn:
            sq = iou_sum / tp if tp else 0.0
            rq = tp / (tp + fp / 2 + fn / 2)
            per_class.append((sq * rq, sq, rq))
    return tuple(sum(v[k] for v in per_class) / len(per_class) for k in range(3))


def ours(preds, targets, things, num_classes, classes=None):
    stats = panoptic_stats(
        preds[..., 0], preds[..., 1], targets[..., 0], targets[..., 1], num_classes, things
    )
    quality = panoptic_quality(stats, classes)
    return quality["pq"], quality["sq"], quality["rq"]


# torchmetrics' documented example: things {0, 1}, stuff {6, 7}, PQ 0.5463.
TM_PREDS = torch.tensor(
    [
        [
            [[6, 0], [0, 0], [6, 0], [6, 0]],
            [[0, 0], [0, 0], [6, 0], [0, 1]],
            [[0, 0], [0, 0], [6, 0], [0, 1]],
            [[0, 0], [7, 0], [6, 0], [1, 0]],
            [[0, 0], [7, 0], [7, 0], [7, 0]],
        ]
    ]
)
TM_TARGET = torch.tensor(
    [
        [
            [[6, 0], [0, 1], [6, 0], [0, 1]],
            [[0, 1], [0, 1], [6, 0], [0, 1]],
            [[0, 1], [0, 1], [6, 0], [1, 0]],
            [[0, 1], [7, 0], [1, 0], [1, 0]],
            [[0, 1], [7, 0], [7, 0], [7, 0]],
        ]
    ]
)


def test_torchmetrics_documented_example():
    # Their instance id 0 on a thing is a real instance; ours are 1-based, so shift by one.
    shift = torch.tensor([0, 1])
    preds, target = TM_PREDS + shift, TM_TARGET + shift
    pq, sq, rq = ours(preds, target, {0, 1}, 8)
    expected = tm_panoptic_quality(
        TM_PREDS, TM_TARGET, things={0, 1}, stuffs={6, 7}, return_sq_and_rq=True
    )
    assert float(expected[0]) == pytest.approx(0.5463, abs=1e-4)
    assert (pq, sq, rq) == pytest.approx(tuple(float(v) for v in expected), abs=1e-6)
    assert (pq, sq, rq) == pytest.approx(brute_force_pq(preds, target, {0, 1}, 8), abs=1e-12)


def hand_built():
    """A 4x6 image, stuff 0 (background), things 1 and 2; known answer below."""
    target = torch.zeros(4, 6, 2, dtype=torch.long)
    target[0:2, 0:2] = torch.tensor([1, 1])  # thing A: 4 px
    target[2:4, 4:6] = torch.tensor([2, 1])  # thing B: 4 px
    target[0, 5] = torch.tensor([VOID, 0])  # one void pixel
    pred = torch.zeros(4, 6, 2, dtype=torch.long)
    pred[0:2, 0:2] = torch.tensor([1, 5])  # 3 of A's pixels ...
    pred[1, 1] = torch.tensor([0, 0])
    pred[2, 0] = torch.tensor([1, 5])  # ... and one more: IoU 3/5
    pred[0, 5] = torch.tensor([2, 3])  # a class-2 instance on the void pixel only: ignored
    return pred[None], target[None]


def test_hand_built_fixture_has_the_known_answer():
    pred, target = hand_built()
    # background: target 24 - 4 - 4 - 1 = 15 px; pred background = 24 - 4 (A') - 1 = 19 px,
    # none on the void pixel; they share 14: IoU 14 / (15 + 19 - 14) = 0.7 -> TP.
    # class 1: TP with IoU 3/5. class 2: B unmatched (FN); the prediction that lies only on
    # the void pixel is not a false positive. SQ averages 0 for class 2 (no TP), as COCO does.
    expected_pq = (0.7 * 1 + 0.6 * 1 + 0 * 0) / 3
    expected_sq = (0.7 + 0.6 + 0) / 3
    expected_rq = (1 + 1 + 0) / 3
    got = ours(pred, target, {1, 2}, 3)
    assert got == pytest.approx((expected_pq, expected_sq, expected_rq), abs=1e-12)
    assert got == pytest.approx(brute_force_pq(pred, target, {1, 2}, 3), abs=1e-12)
    things_only = ours(pred, target, {1, 2}, 3, classes=[1, 2])
    assert things_only == pytest.approx((0.3, 0.3, 0.5), abs=1e-12)


def random_maps(seed, void: bool, pred_void: bool):
    """Blocky panoptic maps: 3 stuff classes (0-2) and 3 thing classes (3-5)."""
    g = torch.Generator().manual_seed(seed)
    batch, size, blocks = 3, 12, 4
    coarse = torch.randint(0, 6, (batch, blocks, blocks), generator=g)
    ids = torch.randint(1, 3, (batch, blocks, blocks), generator=g)
    target = torch.stack((coarse, ids * (coarse >= 3)), -1)
    target = target.repeat_interleave(3, 1).repeat_interleave(3, 2)  # (B, 12, 12, 2)
    pred = target.clone()
    noise = torch.rand(batch, size, size, generator=g) < 0.25
    pred[noise] = torch.stack(
        (
            torch.randint(0, 6, (int(noise.sum()),), generator=g),
            torch.randint(1, 3, (int(noise.sum()),), generator=g),
        ),
        -1,
    )
    pred[..., 1] *= pred[..., 0] >= 3
    if void:
        target[torch.rand(batch, size, size, generator=g) < 0.1] = torch.tensor([VOID, 0])
    if pred_void:
        pred[torch.rand(batch, size, size, generator=g) < 0.1] = torch.tensor([VOID, 0])
    return pred, target


@pytest.mark.parametrize("seed", range(5))
def test_random_maps_match_torchmetrics_and_brute_force(seed):
    pred, target = random_maps(seed, void=True, pred_void=False)
    got = ours(pred, target, {3, 4, 5}, 6)
    # torchmetrics marks void by a category outside things and stuffs
    tm_target = torch.where(target[..., :1] == VOID, torch.tensor([99, 0]), target)
    expected = tm_panoptic_quality(
        pred, tm_target, things={3, 4, 5}, stuffs={0, 1, 2}, return_sq_and_rq=True
    )
    assert got == pytest.approx(tuple(float(v) for v in expected), abs=1e-6)
    assert got == pytest.approx(brute_force_pq(pred, target, {3, 4, 5}, 6), abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_predicted_void_follows_coco_not_torchmetrics(seed):
    # COCO's panopticapi does not shrink a target's union by the prediction's void pixels,
    # nor forgive a missed target that the prediction left void; torchmetrics does both.
    # Here the brute-force reference of the definition is the reference.
    pred, target = random_maps(seed, void=True, pred_void=True)
    got = ours(pred, target, {3, 4, 5}, 6)
    assert got == pytest.approx(brute_force_pq(pred, target, {3, 4, 5}, 6), abs=1e-12)
    void = torch.tensor([99, 0])
    lenient = tm_panoptic_quality(
        torch.where(pred[..., :1] == VOID, void, pred),
        torch.where(target[..., :1] == VOID, void, target),
        things={3, 4, 5},
        stuffs={0, 1, 2},
        return_sq_and_rq=True,
        allow_unknown_preds_category=True,
    )
    assert float(lenient[0]) > got[0] + 0.01  # the fixture does exercise predicted void


def test_uniform_prediction_stats_equal_those_of_the_prediction():
    _, target = random_maps(7, void=True, pred_void=False)
    records = target_segments(target[..., 0], target[..., 1], 6, {3, 4, 5})
    for predicted in (0, 4):
        uniform = torch.zeros_like(target)
        uniform[..., 0] = predicted
        uniform[..., 1] = 1 if predicted >= 3 else 0
        direct = panoptic_stats(
            uniform[..., 0], uniform[..., 1], target[..., 0], target[..., 1], 6, {3, 4, 5}
        )
        assert torch.equal(uniform_prediction_stats(records, predicted, 6), direct)


def perfect_outputs(classes: torch.Tensor, instances: torch.Tensor, num_classes: int):
    """Outputs (B, K + 3, H, W) that a perfect Panoptic-DeepLab model would give: one-hot
    logits, the target heatmap and offsets."""
    heatmap, offsets = panoptic_targets(instances)
    logits = 20.0 * torch.nn.functional.one_hot(classes, num_classes).permute(0, 3, 1, 2)
    return torch.cat((logits.float(), heatmap[:, None], offsets), dim=1)


def test_post_processing_recovers_the_targets_it_was_trained_on():
    from metagen.data.synthetic_scenes import SceneSegmentationDataset

    scenes = SceneSegmentationDataset(6, 48, 3, 3, 6, panoptic=True)
    targets = torch.stack([scenes[i]["targets"] for i in range(6)])  # (B, 2, H, W)
    outputs = perfect_outputs(targets[:, 0], targets[:, 1], 6)
    classes, instances = panoptic_from_outputs(outputs, 6, scenes.thing_classes)
    assert torch.equal(classes, targets[:, 0])
    stats = panoptic_stats(
        classes, instances, targets[:, 0], targets[:, 1], 6, scenes.thing_classes
    )
    assert panoptic_quality(stats)["pq"] == pytest.approx(1.0)
    loss = panoptic_segmentation_loss(outputs, {"targets": targets})
    assert float(loss) < 0.05  # center and offset terms are exactly 0; CE + Dice near 0


def test_post_processing_votes_the_class_and_voids_thing_pixels_without_centers():
    outputs = torch.zeros(1, 3 + 3, 1, 8)  # classes: 0 stuff, 1 and 2 things; an 1x8 image
    semantic = torch.tensor([0, 1, 1, 2, 0, 1, 1, 1])
    outputs[0, :3] = 10.0 * torch.nn.functional.one_hot(semantic, 3).T[:, None]
    outputs[0, 3, 0, 2] = 1.0  # one center at x = 2, one at x = 6
    outputs[0, 3, 0, 6] = 0.9
    outputs[0, 5, 0] = torch.tensor([0, 1, 0, -1, 0, 1, 0, -1.0])  # dx: toward the centers
    classes, instances = panoptic_from_outputs(outputs, 3, [1, 2])
    assert instances[0, 0].tolist() == [0, 1, 1, 1, 0, 2, 2, 2]
    assert classes[0, 0].tolist() == [0, 1, 1, 1, 0, 1, 1, 1]  # pixel 3 voted into class 1
    outputs[0, 3] = 0.0  # no centers: thing pixels are void
    classes, instances = panoptic_from_outputs(outputs, 3, [1, 2])
    assert classes[0, 0].tolist() == [0, -1, -1, -1, 0, -1, -1, -1]
    assert not instances.any()


class FixedOutputs(torch.nn.Module):
    def __init__(self, outputs: torch.Tensor, thing_classes) -> None:
        super().__init__()
        self.outputs = outputs
        self.config = type("Config", (), {"thing_classes": tuple(thing_classes)})()
        self.anchor = torch.nn.Parameter(torch.zeros(()))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.outputs[images[:, 0, 0, 0].long()]


def test_panoptic_evaluator_matches_torchmetrics_over_batches():
    pred, target = random_maps(11, void=False, pred_void=False)
    pred, target = torch.cat((pred, pred.flip(1))), torch.cat((target, target.flip(1)))
    n = pred.size(0)
    logits = 10.0 * torch.nn.functional.one_hot(pred[..., 0], 6).permute(0, 3, 1, 2).float()
    heatmap, offsets = panoptic_targets(pred[..., 1])
    outputs = torch.cat((logits, heatmap[:, None], offsets), dim=1)
    images = torch.arange(n, dtype=torch.float32)[:, None, None, None].expand(n, 1, 12, 12)
    targets = target.permute(0, 3, 1, 2)  # (B, 2, H, W)
    batches = [{"images": images[i : i + 4], "targets": targets[i : i + 4]} for i in (0, 4)]
    model = FixedOutputs(outputs, [3, 4, 5])
    with torch.no_grad():
        results = evaluate_panoptic_segmentation(model, batches, torch.device("cpu"))
    # the model's own post-processed panoptic maps, scored by torchmetrics
    classes, instances = panoptic_from_outputs(outputs, 6, [3, 4, 5])
    expected = tm_panoptic_quality(
        torch.stack((classes, instances), -1),
        target,
        things={3, 4, 5},
        stuffs={0, 1, 2},
        return_sq_and_rq=True,
    )
    got = (results["pq"], results["sq"], results["rq"])
    assert got == pytest.approx(tuple(float(v) for v in expected), abs=1e-6)
    assert results["num_samples"] == n and results["pq"] > results["baseline_pq"]
