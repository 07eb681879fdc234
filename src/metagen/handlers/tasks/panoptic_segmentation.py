"""Panoptic segmentation (Kirillov et al., 2019): a class for every pixel and an instance id for
the pixels of countable "things". The segmenter (SegFormer for family transformer, a U-Net for
unet or cnn) gets Panoptic-DeepLab's instance head (Cheng et al., 2020): a center heatmap and
per-pixel offsets to the instance center, grouped with the semantic prediction after the
forward pass. Scored by PQ, SQ and RQ as COCO's panopticapi computes them."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.segmentation_plan import (
    ARCH_NAMES,
    SCENE_STUFF_CLASSES,
    plan_segmenter,
)

# Without task.num_classes: COCO panoptic's 80 thing and 53 stuff classes.
DEFAULT_PANOPTIC_CLASSES = 133
PANOPTIC_METRICS = [
    "loss",
    "pq",
    "sq",
    "rq",
    "pq_things",
    "sq_things",
    "rq_things",
    "pq_stuff",
    "sq_stuff",
    "rq_stuff",
    "mean_iou",
    "pixel_accuracy",
    "baseline_pq",
    "baseline_sq",
    "baseline_rq",
    "baseline_mean_iou",
    "baseline_pixel_accuracy",
]


@register_task("panoptic_segmentation")
class PanopticSegmentationTaskHandler(TaskHandler):
    name = "panoptic_segmentation"
    supported_modalities = ("image",)
    output_type = "segmentation_mask"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        num_classes = task_num_classes(
            spec,
            blueprint,
            DEFAULT_PANOPTIC_CLASSES,
            f"{DEFAULT_PANOPTIC_CLASSES} classes (COCO panoptic: 80 things, 53 stuff). "
            "Training data with another class count resizes the head to match.",
        )
        if num_classes < 2:
            raise PlanError(
                f"task.num_classes ({num_classes}) must be at least 2 for panoptic "
                "segmentation: at least one stuff class (such as the background) and one "
                "thing class."
            )
        stuff = SCENE_STUFF_CLASSES["panoptic"] if num_classes > 2 else 1
        things = list(range(stuff, num_classes))
        arch = plan_segmenter(
            spec, blueprint, kind="panoptic", num_classes=num_classes, thing_classes=things
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        blueprint.decisions += [
            f"{ARCH_NAMES[arch]} with Panoptic-DeepLab's instance head: the outputs are "
            f"{num_classes} class logits, a center heatmap and (dy, dx) offsets per pixel; "
            "after the forward pass, centers are the heatmap's local maxima, thing pixels join "
            "the center their offset points nearest to, and each instance takes the majority "
            "class of its pixels.",
            f"Thing classes {things[0]} to {things[-1]}, stuff below (the synthetic scenes: "
            "sky and ground, then shapes); with --data, the classes that carry instance ids in "
            "instances/ are the things.",
            "Loss: cross-entropy + soft Dice on the classes, 200 x MSE on the center heatmap "
            "(Gaussians at the instance centers), 0.01 x L1 on the offsets of thing pixels "
            "(Panoptic-DeepLab's weights).",
            "PQ, SQ, RQ as COCO's panopticapi: segments of one class match when their IoU is "
            "over 0.5; baseline_pq is that of one segment of the most frequent class per image.",
        ]
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "panoptic_deeplab_head",
            "arch": blueprint.arch,
            "num_classes": blueprint.fixed_dims["num_classes"],
            "thing_classes": blueprint.fixed_dims["thing_classes"],
        }

    def get_loss_function(self, spec) -> str:
        return "panoptic_segmentation"

    def get_metrics(self, spec) -> list[str]:
        return list(PANOPTIC_METRICS)
