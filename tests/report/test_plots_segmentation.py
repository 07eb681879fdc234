"""The segmentation plots draw what the evaluator measures: each class's IoU in the plotted
JSON is torchmetrics' recount over every held-out pixel, its mean the evaluator's mIoU; for
panoptic segmentation each class's PQ is torchmetrics' and their mean the evaluator's PQ; and
the overlays' numbers are those of the first held-out images.

The predictions are the truth spoiled (rectangles of a wrong class, scattered wrong pixels), so
every IoU and PQ lies strictly between 0 and 1; fresh smoke models are recounted too."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from tests.report.held_out import smoke_model_and_batches
from torchmetrics.classification import MulticlassJaccardIndex
from torchmetrics.functional.detection import panoptic_quality as tm_panoptic_quality

from metagen.predictions.segmentation import SAMPLE_IMAGES, collect_semantic_segmentation
from metagen.report.plots.segmentation import draw
from metagen.report.predictions import load_predictions, save_predictions
from metagen.tasks.panoptic_segmentation.evaluate import evaluate_panoptic_segmentation
from metagen.tasks.panoptic_segmentation.evaluate_grouping import panoptic_from_outputs
from metagen.tasks.panoptic_segmentation.predictions import collect_panoptic_segmentation
from metagen.tasks.semantic_segmentation.evaluate import evaluate_semantic_segmentation
from metagen.train.segmentation_losses import panoptic_targets

CPU = torch.device("cpu")


def _spoiled(classes: torch.Tensor, allowed, seed: int) -> torch.Tensor:
    """`classes` (B, H, W) with a rectangle per image and 5% of pixels set to other classes,
    drawn from `allowed(true class) -> classes it may become`."""
    rng = np.random.default_rng(seed)
    spoiled = classes.clone()
    B, H, W = classes.shape
    for b in range(B):
        y, x = rng.integers(0, H // 2), rng.integers(0, W // 2)
        region = spoiled[b, y : y + H // 3, x : x + W // 3]
        for true_class in region.unique().tolist():
            choices = allowed(true_class)
            region[region == true_class] = int(rng.choice(choices))
        scattered = torch.from_numpy(rng.random((H, W)) < 0.05)
        for true_class in spoiled[b][scattered].unique().tolist():
            where = scattered & (classes[b] == true_class)
            spoiled[b][where] = int(rng.choice(allowed(true_class)))
    return spoiled


def _logits(classes: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Logits (B, K, H, W) whose argmax is `classes` (B, H, W)."""
    return 4.0 * F.one_hot(classes.long(), num_classes).permute(0, 3, 1, 2).float()


class SpoiledSemantic(torch.nn.Module):
    """A segmenter whose input carries its answer: channel 0 is the class it predicts."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return _logits(images[:, 0].round().long(), self.num_classes)


def _semantic_batches(seed: int = 0):
    _, batches, info = smoke_model_and_batches("semantic_segmentation")
    K = info["num_classes"]
    for index, batch in enumerate(batches):
        others = lambda k: [c for c in range(K) if c != k]  # noqa: E731
        batch["images"] = _spoiled(batch["targets"], others, seed + index)[:, None].float()
    return batches, info


def _recount_iou(predicted_and_true, num_classes: int) -> torch.Tensor:
    jaccard = MulticlassJaccardIndex(num_classes=num_classes, average=None)
    for predicted, true in predicted_and_true:
        jaccard.update(predicted, true)
    return jaccard.compute()


def _plotted(predictions: dict, tmp_path) -> tuple[dict, dict]:
    reloaded = load_predictions(save_predictions(predictions, tmp_path / "predictions"))
    drawn = draw(reloaded, tmp_path)
    assert [p.name for p in drawn] == ["segmentation_samples.png", "per_class_iou.png"]
    for path in drawn:
        with Image.open(path) as image:
            assert min(image.size) >= 150 and image.convert("L").getextrema()[0] < 200
    per_class = json.loads((tmp_path / "per_class_iou.json").read_text())
    samples = json.loads((tmp_path / "segmentation_samples.json").read_text())
    return per_class, samples


def _assert_ious_recounted(per_class: dict, expected: torch.Tensor) -> None:
    present = [k for k, iou in enumerate(per_class["iou"]) if iou is not None]
    assert present, "no class present"
    for k in present:
        assert per_class["iou"][k] == pytest.approx(float(expected[k]), abs=1e-6), k
    assert per_class["mean_iou"] == pytest.approx(float(expected[present].mean()), abs=1e-6)


def test_semantic_ious_are_a_recount_and_the_samples_are_the_first_images(tmp_path) -> None:
    batches, info = _semantic_batches()
    model = SpoiledSemantic(info["num_classes"])
    per_class, samples = _plotted(
        collect_semantic_segmentation(model, iter(batches), CPU, info), tmp_path
    )
    predicted_and_true = [(b["images"][:, 0].round().long(), b["targets"]) for b in batches]
    expected = _recount_iou(predicted_and_true, info["num_classes"])
    _assert_ious_recounted(per_class, expected)
    assert all(0.05 < iou < 0.99 for iou in per_class["iou"]), per_class["iou"]
    evaluated = evaluate_semantic_segmentation(model, iter(batches), CPU)
    assert per_class["mean_iou"] == pytest.approx(evaluated["mean_iou"], abs=1e-12)
    first = batches[0]
    assert len(samples["samples"]) == SAMPLE_IMAGES
    for i, sample in enumerate(samples["samples"]):
        predicted, true = first["images"][i, 0].round().long(), first["targets"][i]
        assert sample["pixel_accuracy"] == pytest.approx(float((predicted == true).float().mean()))
        counts = torch.bincount(true.flatten(), minlength=info["num_classes"])
        assert sample["true_pixels"] == {
            info["class_names"][k]: int(n) for k, n in enumerate(counts) if n > 0
        }


class SpoiledPanoptic(torch.nn.Module):
    """A Panoptic-DeepLab stand-in whose input carries its answer: channel 0 the class, 1 the
    center heatmap, 2-3 the offsets."""

    def __init__(self, num_classes: int, thing_classes) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.config = SimpleNamespace(thing_classes=list(thing_classes))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        classes = images[:, 0].round().long()
        return torch.cat([_logits(classes, self.num_classes), images[:, 1:4]], dim=1)


def _panoptic_batches(seed: int = 0):
    """Held-out scenes whose stand-in predictions swap things for other things and stuff for
    other stuff (so every predicted thing pixel has a center nearby: no predicted void, where
    torchmetrics departs from COCO), with the true centers and offsets."""
    _, batches, info = smoke_model_and_batches("panoptic_segmentation")
    K, things = info["num_classes"], set(info["thing_classes"])
    stuff = [k for k in range(K) if k not in things]

    def others(k):
        kin = sorted(things) if k in things else stuff
        return [c for c in kin if c != k] or [k]

    for index, batch in enumerate(batches):
        classes, instances = batch["targets"][:, 0], batch["targets"][:, 1]
        heatmap, offsets = panoptic_targets(instances)
        spoiled = _spoiled(classes, others, seed + index)
        batch["images"] = torch.cat([spoiled[:, None].float(), heatmap[:, None], offsets], dim=1)
    return batches, info


def test_panoptic_pq_per_class_is_torchmetrics_and_ious_a_recount(tmp_path) -> None:
    batches, info = _panoptic_batches()
    K, things = info["num_classes"], sorted(info["thing_classes"])
    model = SpoiledPanoptic(K, things)
    predictions = collect_panoptic_segmentation(model, iter(batches), CPU, info)
    assert int(predictions["predicted_classes"].min()) >= 0, "the stand-in predicted void"
    per_class, _ = _plotted(predictions, tmp_path)
    semantic = [(b["images"][:, 0].round().long(), b["targets"][:, 0]) for b in batches]
    _assert_ious_recounted(per_class, _recount_iou(semantic, K))
    evaluated = evaluate_panoptic_segmentation(model, iter(batches), CPU)
    assert per_class["pq_mean"] == pytest.approx(evaluated["pq"], abs=1e-6)
    assert per_class["mean_iou"] == pytest.approx(evaluated["mean_iou"], abs=1e-12)
    stuff = [k for k in range(K) if k not in things]
    with torch.no_grad():
        pairs = [(_panoptic_pairs(model(b["images"]), K, things), b["targets"]) for b in batches]
    preds = torch.cat([p for p, _ in pairs])
    target = torch.cat([t.permute(0, 2, 3, 1) for _, t in pairs])
    reference = tm_panoptic_quality(preds, target, things=set(things), stuffs=set(stuff),
                                    return_sq_and_rq=True, return_per_class=True)  # fmt: skip
    for row, k in enumerate(things + stuff):  # torchmetrics' order: things, then stuff
        if per_class["pq"][k] is not None:
            assert per_class["pq"][k] == pytest.approx(float(reference[row, 0]), abs=1e-6), k
            assert per_class["sq"][k] == pytest.approx(float(reference[row, 1]), abs=1e-6), k
            assert per_class["rq"][k] == pytest.approx(float(reference[row, 2]), abs=1e-6), k
    counted = [pq for pq in per_class["pq"] if pq is not None]
    assert len(counted) == K and any(0.05 < pq < 0.99 for pq in counted), counted


def _panoptic_pairs(outputs: torch.Tensor, num_classes: int, things) -> torch.Tensor:
    classes, instances = panoptic_from_outputs(outputs, num_classes, things)
    return torch.stack([classes, instances], dim=-1)  # (B, H, W, 2)


@pytest.mark.parametrize("task", ["semantic_segmentation", "panoptic_segmentation"])
def test_a_smoke_models_ious_are_a_recount(task, tmp_path) -> None:
    model, batches, info = smoke_model_and_batches(task, batches=2)
    collect = {"semantic_segmentation": collect_semantic_segmentation,
               "panoptic_segmentation": collect_panoptic_segmentation}[task]  # fmt: skip
    with torch.no_grad():
        per_class, _ = _plotted(collect(model, iter(batches), CPU, info), tmp_path)
        pairs = []
        for batch in batches:
            logits = model(images=batch["images"])[:, : info["num_classes"]]
            true = batch["targets"] if task == "semantic_segmentation" else batch["targets"][:, 0]
            pairs.append((logits.argmax(1), true))
    _assert_ious_recounted(per_class, _recount_iou(pairs, info["num_classes"]))
