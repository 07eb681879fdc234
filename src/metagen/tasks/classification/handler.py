"""Classification: a linear head over pooled features, trained with cross-entropy (label
smoothing: `label_smoothing` in config.json's train section). Image, audio and video
classifiers put the head on their modality handler's backbone; tabular, text and time-series
classifiers are built here (handlers/tasks/task_encoders.py)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.fusion_plan import plan_fusion_classifier
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.task_encoders import (
    DATA_KIND,
    ENCODER_INPUTS,
    check_single_input,
    encoder_input,
    plan_task_encoder,
)

# The default when a spec gives no class count: ImageNet's.
DEFAULT_NUM_CLASSES = 1000
# Classes the built-in synthetic shapes data can draw, by channels (6 shapes x 6 or 2 colours).
SYNTHETIC_SHAPE_CLASSES = {3: 36, 1: 12}
# Without task.num_classes, a tabular, text or series classifier tells two classes apart.
DEFAULT_RECORD_CLASSES = 2
# Classes the built-in synthetic records can draw, by data kind (text: the lexicons of
# data/text_task_synthetic.py; series: the shapes of data/series_task_synthetic.py).
SYNTHETIC_RECORD_CLASSES = {"tabular": 100, "text": 8, "series": 8}
RECORD_FAMILIES = ("mlp", "transformer", "cnn")


@register_task("classification")
class ClassificationTaskHandler(TaskHandler):
    name = "classification"
    supported_modalities = ("image", "video", "audio", *ENCODER_INPUTS)
    output_type = "label"

    def owns_architecture(self, spec) -> bool:
        """Fusion classifiers (a fusion section) and tabular, text and series classifiers are
        built here; another mix of inputs is not built (a PlanError), the rest go to the
        modality handlers."""
        if spec.fusion is not None:
            return True
        check_single_input(spec, self.name)
        return encoder_input(spec) is not None

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        if spec.fusion is not None:
            return plan_fusion_classifier(spec, blueprint)
        if self.owns_architecture(spec):
            return self._augment_record_classifier(spec, blueprint)
        num_classes = task_num_classes(
            spec,
            blueprint,
            DEFAULT_NUM_CLASSES,
            f"the head has {DEFAULT_NUM_CLASSES} classes (ImageNet). "
            "Training data with another class count resizes the head to match.",
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

    def _augment_record_classifier(self, spec, blueprint: Blueprint) -> Blueprint:
        num_classes = task_num_classes(
            spec,
            blueprint,
            DEFAULT_RECORD_CLASSES,
            f"the head has {DEFAULT_RECORD_CLASSES} classes. Training data with "
            "another class count resizes the head to match.",
        )
        head = ("head", f"Classification head: linear to {num_classes} class logits")
        source = plan_task_encoder(
            spec, blueprint, "classification", RECORD_FAMILIES, head, num_classes
        )
        capacity = SYNTHETIC_RECORD_CLASSES[DATA_KIND[source]]
        blueprint.data["num_classes"] = min(num_classes, capacity)
        if num_classes > capacity:
            blueprint.decisions.append(
                f"The built-in synthetic data draws at most {capacity} classes; with it, the "
                f"head is resized to {capacity}."
            )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        dims = blueprint.fixed_dims
        return {
            "type": "classification_head",
            "num_classes": dims.get("num_classes", dims.get("num_outputs")),
        }

    def get_loss_function(self, spec) -> str:
        return "fusion_classification" if spec.fusion is not None else "classification"

    def get_metrics(self, spec) -> list[str]:
        return ["loss", "accuracy", "top5_accuracy", "macro_f1", "majority_class_accuracy"]
