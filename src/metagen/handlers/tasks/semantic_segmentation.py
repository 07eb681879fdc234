"""Semantic segmentation: a class per pixel from a U-Net (family unet or cnn) or SegFormer
(family transformer), trained with cross-entropy plus soft Dice, scored by mIoU and pixel
accuracy beside the majority-class prediction."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.segmentation_plan import ARCH_NAMES, plan_segmenter

# Without task.num_classes: Pascal VOC's 20 classes and the background.
DEFAULT_SEGMENTATION_CLASSES = 21
SEMANTIC_METRICS = [
    "loss",
    "mean_iou",
    "pixel_accuracy",
    "baseline_mean_iou",
    "baseline_pixel_accuracy",
]


@register_task("semantic_segmentation")
class SemanticSegmentationTaskHandler(TaskHandler):
    name = "semantic_segmentation"
    supported_modalities = ("image",)
    output_type = "segmentation_mask"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        num_classes = task_num_classes(
            spec,
            blueprint,
            DEFAULT_SEGMENTATION_CLASSES,
            f"{DEFAULT_SEGMENTATION_CLASSES} classes with the background (Pascal VOC). "
            "Training data with another class count resizes the head to match.",
        )
        if num_classes < 2:
            raise PlanError(
                f"task.num_classes ({num_classes}) must be at least 2 for semantic "
                "segmentation: it counts the background (class 0) and every object class."
            )
        arch = plan_segmenter(
            spec, blueprint, kind="semantic", num_classes=num_classes, thing_classes=[]
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        blueprint.decisions += [
            f"{ARCH_NAMES[arch]} labels every pixel with one of {num_classes} classes; class 0 "
            "is the background in the synthetic data and in mask files.",
            "Loss: pixel cross-entropy plus soft Dice (1 - mean Dice over the classes).",
            "mIoU averages the IoU of the classes present in the targets or the predictions "
            "(torchmetrics' macro Jaccard); baseline_mean_iou is that of predicting the most "
            "frequent class everywhere.",
        ]
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "segmentation_head",
            "num_classes": blueprint.fixed_dims["num_classes"],
            "arch": blueprint.arch,
        }

    def get_loss_function(self, spec) -> str:
        return "semantic_segmentation"

    def get_metrics(self, spec) -> list[str]:
        return list(SEMANTIC_METRICS)
