"""Panoptic segmentation (Kirillov et al., 2019): a class for every pixel and an instance id for
the pixels of countable "things". The segmenter (SegFormer for family transformer, a U-Net for
unet or cnn) gets Panoptic-DeepLab's instance head (Cheng et al., 2020): a center heatmap and
per-pixel offsets to the instance center, grouped with the semantic prediction after the
forward pass. Scored by PQ, SQ and RQ as COCO's panopticapi computes them."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.segmentation_plan import SCENE_STUFF_CLASSES, SegmentationTaskHandler

# Without task.num_classes: COCO panoptic's 80 thing and 53 stuff classes.
DEFAULT_PANOPTIC_CLASSES = 133
PANOPTIC_METRICS = (
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
)


@register_task("panoptic_segmentation")
class PanopticSegmentationTaskHandler(SegmentationTaskHandler):
    name = "panoptic_segmentation"
    default_classes = DEFAULT_PANOPTIC_CLASSES
    default_note = f"{DEFAULT_PANOPTIC_CLASSES} classes (COCO panoptic: 80 things, 53 stuff)."
    fewer_than_two = "at least one stuff class (such as the background) and one thing class."
    metrics = PANOPTIC_METRICS

    def thing_classes(self, num_classes: int) -> list[int]:
        stuff = SCENE_STUFF_CLASSES["panoptic"] if num_classes > 2 else 1
        return list(range(stuff, num_classes))

    def plan_notes(self, arch_name: str, num_classes: int, things: list[int]) -> list[str]:
        return [
            f"{arch_name} with Panoptic-DeepLab's instance head: the outputs are "
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

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "panoptic_deeplab_head",
            "arch": blueprint.arch,
            "num_classes": blueprint.fixed_dims["num_classes"],
            "thing_classes": blueprint.fixed_dims["thing_classes"],
        }
