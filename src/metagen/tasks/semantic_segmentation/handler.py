"""Semantic segmentation: a class per pixel from a U-Net (family unet or cnn) or SegFormer
(family transformer), trained with cross-entropy plus soft Dice, scored by mIoU and pixel
accuracy beside the majority-class prediction."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.segmentation_plan import SegmentationTaskHandler

# Without task.num_classes: Pascal VOC's 20 classes and the background.
DEFAULT_SEGMENTATION_CLASSES = 21
SEMANTIC_METRICS = (
    "loss",
    "mean_iou",
    "pixel_accuracy",
    "baseline_mean_iou",
    "baseline_pixel_accuracy",
)


@register_task("semantic_segmentation")
class SemanticSegmentationTaskHandler(SegmentationTaskHandler):
    name = "semantic_segmentation"
    default_classes = DEFAULT_SEGMENTATION_CLASSES
    default_note = f"{DEFAULT_SEGMENTATION_CLASSES} classes with the background (Pascal VOC)."
    fewer_than_two = "it counts the background (class 0) and every object class."
    metrics = SEMANTIC_METRICS

    def plan_notes(self, arch_name: str, num_classes: int, things: list[int]) -> list[str]:
        return [
            f"{arch_name} labels every pixel with one of {num_classes} classes; class 0 "
            "is the background in the synthetic data and in mask files.",
            "Loss: pixel cross-entropy plus soft Dice (1 - mean Dice over the classes).",
            "mIoU averages the IoU of the classes present in the targets or the predictions "
            "(torchmetrics' macro Jaccard); baseline_mean_iou is that of predicting the most "
            "frequent class everywhere.",
        ]

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "segmentation_head",
            "num_classes": blueprint.fixed_dims["num_classes"],
            "arch": blueprint.arch,
        }
