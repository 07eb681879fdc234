"""Classification: a linear head over pooled features, trained with cross-entropy."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task

# The roadmap's default when a spec gives no class count: ImageNet's.
DEFAULT_NUM_CLASSES = 1000
# Classes the built-in synthetic shapes data can draw, by channels (6 shapes x 6 or 2 colours).
SYNTHETIC_SHAPE_CLASSES = {3: 36, 1: 12}


@register_task("classification")
class ClassificationTaskHandler(TaskHandler):
    name = "classification"
    supported_modalities = ("image", "video", "audio")
    output_type = "label"

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        num_classes = spec.task.num_classes if spec.task else None
        if num_classes is None:
            num_classes = DEFAULT_NUM_CLASSES
            blueprint.decisions.append(
                f"No task.num_classes; the head has {DEFAULT_NUM_CLASSES} classes (ImageNet). "
                "Training data with another class count resizes the head to match."
            )
        blueprint.fixed_dims["num_classes"] = num_classes
        channels = blueprint.fixed_dims.get("in_channels", 3)
        # The built-in shapes data draws at most this many (shape, colour) classes; for more,
        # it draws its default set and the head is resized to the data at train time (a test
        # keeps these numbers in step with data/). A modality with its own synthetic data
        # (video's moving shapes) says how many classes that draws.
        capacity = blueprint.data.pop("synthetic_classes", None)
        capacity = capacity or SYNTHETIC_SHAPE_CLASSES[3 if channels == 3 else 1]
        blueprint.data["num_classes"] = num_classes if num_classes <= capacity else 12
        blueprint.task = "classification"
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "classification_head", "num_classes": blueprint.fixed_dims["num_classes"]}

    def get_loss_function(self, spec) -> str:
        return "classification"

    def get_metrics(self, spec) -> list[str]:
        return ["loss", "accuracy", "top5_accuracy", "macro_f1"]
