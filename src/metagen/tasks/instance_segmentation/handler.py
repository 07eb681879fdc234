"""Instance segmentation: the YOLO-style detector with CondInst's dynamic mask heads (family
cnn), the whole model; scored by COCO mask AP and box AP beside the no-detections baseline."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.modalities.image import image_params
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.object_detection import (
    DETECTOR_COMPONENTS,
    DETECTOR_DECISIONS,
    SCENE_OBJECT_CLASSES,
    detection_classes,
    detection_image_size,
)
from metagen.handlers.tasks.registry import register_task

INSTANCE_METRICS = [
    "loss",
    "mask_map",
    "mask_map50",
    "mask_map75",
    "mask_no_detections_map",
    "map",
    "map50",
    "map75",
    "no_detections_map",
]
CONDINST_COMPONENTS = [
    *DETECTOR_COMPONENTS["yolo"],
    (
        "controller",
        "Per level: two 3x3 conv-BN-SiLU and a 1x1 conv giving every cell the 169 "
        "weights of its own mask network (CondInst's dynamic filters)",
    ),
    (
        "mask_branch",
        "Mask features at stride 4: 3x3 conv on P3, 2x2 transposed conv, 3x3 conv, "
        "1x1 conv to 8 channels (YOLOv8-seg's prototype branch)",
    ),
]


@register_task("instance_segmentation")
class InstanceSegmentationTaskHandler(TaskHandler):
    name = "instance_segmentation"
    supported_modalities = ("image",)
    output_type = "segmentation_mask"
    builds_architecture = True

    def augment_blueprint(self, spec, bp: Blueprint) -> Blueprint:
        family = spec_family(spec, default="cnn")
        bp.family = family
        if family == "transformer":
            raise not_built(
                "a transformer instance segmenter (Mask2Former-style)",
                "architecture.family",
                family,
            )
        if family != "cnn":
            raise PlanError(
                f"architecture.family '{family}' cannot build an instance segmentation model; "
                "use cnn (a YOLO-style detector with CondInst mask heads)."
            )
        num_classes = detection_classes(spec, bp)
        size = detection_image_size(spec, "yolo", bp)
        _, _, channels = image_params(spec)
        bp.arch, bp.task = "condinst", "instance_segmentation"
        bp.fixed_dims.update(
            image_size=size, in_channels=channels, num_classes=num_classes, reg_max=16
        )
        capacity = SCENE_OBJECT_CLASSES[3 if channels == 3 else 1]
        bp.data.update(
            kind="image",
            image_size=size,
            channels=channels,
            with_masks=True,
            num_classes=num_classes if num_classes <= capacity else 12,
        )
        bp.components = list(CONDINST_COMPONENTS)
        bp.loss = self.get_loss_function(spec)
        bp.metrics = self.get_metrics(spec)
        bp.decisions += [
            *DETECTOR_DECISIONS["yolo"],
            "Masks (CondInst, Tian et al. 2020): each detection's cell predicts a 3-layer 1x1 "
            "conv network (8 + 2 relative coordinates -> 8 -> 8 -> 1) run over the stride-4 "
            "mask features; dice loss against the ground-truth mask (weight 2) for at most 500 "
            "positive cells per batch. Mask R-CNN's RoIAlign two-stage design is not built; "
            "there are no region proposals.",
            "mask_map is COCO's mask AP@[.50:.95] (pixel IoU of the binary masks, upsampled "
            "bilinearly and cut at 0.5); map is the box AP of the same detections.",
        ]
        return bp

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "instance_mask_head",
            "arch": blueprint.arch,
            "num_classes": blueprint.fixed_dims["num_classes"],
            "dynamic_params": 169,
        }

    def get_loss_function(self, spec) -> str:
        return "instance_segmentation"

    def get_metrics(self, spec) -> list[str]:
        return list(INSTANCE_METRICS)
