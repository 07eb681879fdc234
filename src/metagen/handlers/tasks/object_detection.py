"""Object detection: an anchor-free YOLOv8-style detector (family cnn) or DETR (family
transformer), each the whole model; scored by COCO mAP beside the no-detections baseline."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.modalities.image import image_params
from metagen.handlers.planned import FAMILIES, not_built
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.registry import register_task

# Without task.num_classes: COCO's 80 object classes.
DEFAULT_DETECTION_CLASSES = 80
# Without a modality.image size: the 640 px that YOLOv8 and DETR evaluations use.
DEFAULT_DETECTION_IMAGE_SIZE = 640
# (shape, colour) classes the synthetic scenes can draw, by channels (data/synthetic_scenes.py);
# beyond that they draw the first 12 and training resizes the head to the data.
SCENE_OBJECT_CLASSES = {3: 36, 1: 12}
DETECTION_METRICS = ["loss", "map", "map50", "map75", "no_detections_map"]

DETECTORS = {"cnn": "yolo", "transformer": "detr"}
RUNTIME_TASKS = {"yolo": "dense_detection", "detr": "set_detection"}
DETECTOR_COMPONENTS = {
    "yolo": [
        (
            "backbone",
            "CSP backbone: strided 3x3 conv-BN-SiLU stages P1-P5, each with a C2f block "
            "(split, bottlenecks with residuals, concatenation of every branch); SPPF pooling at P5",
        ),
        (
            "neck",
            "PAN feature pyramid over strides 8, 16, 32: a top-down path (nearest "
            "upsampling, concatenation, C2f) then a bottom-up one (strided conv, concatenation, C2f)",
        ),
        (
            "head",
            "Decoupled anchor-free head per level: a box branch predicting a distribution "
            "over 16 bins for the distance to each box side (decoded by the fixed DFL projection) "
            "and a class branch",
        ),
    ],
    "detr": [
        ("backbone", "ResNet backbone (no pooling or classifier): its last stage's feature map"),
        (
            "input_proj",
            "1x1 conv to the transformer width; 2D sine positions are added to the "
            "queries and keys of every attention",
        ),
        (
            "encoder",
            "Transformer encoder over the feature cells: post-norm self-attention and ReLU MLP",
        ),
        ("query_embedding", "Learned object queries (one per possible detection)"),
        (
            "decoder",
            "Transformer decoder: self-attention among the queries, cross-attention to "
            "the encoded image, MLP; every layer's output feeds the heads (auxiliary losses)",
        ),
        ("decoder_norm", "LayerNorm on each decoder layer's output"),
        ("class_head", "Linear to class logits plus 'no object'"),
        ("box_head", "3-layer MLP to (cx, cy, w, h) as fractions of the image (sigmoid)"),
    ],
}
DETECTOR_DECISIONS = {
    "yolo": [
        "Loss (YOLOv8): task-aligned assignment (each box's 10 cells inside it with the highest "
        "score^0.5 * IoU^6), BCE on the class scores against IoU-aware soft targets, GIoU and "
        "Distribution Focal Loss on the positives' boxes (weights 7.5, 0.5, 1.5).",
        "Inference: per-class NMS in torch at IoU 0.7 over scores above 0.001, at most 100 "
        "detections per image (Ultralytics' validation settings).",
    ],
    "detr": [
        "Loss (DETR): Hungarian matching (SciPy) of the queries to the ground truth at every "
        "decoder layer (cost: -p(class) + 5 L1 + 2 (-GIoU)); cross-entropy with weight 0.1 on "
        "'no object', L1 (x5) and GIoU (x2) on the matched boxes.",
        "Inference: every query's best class, no NMS (the set loss teaches queries not to "
        "duplicate).",
    ],
}


def detector_arch(spec, task: str) -> str:
    family = spec_family(spec)
    if family in DETECTORS:
        return DETECTORS[family]
    if family in FAMILIES:
        raise not_built(FAMILIES[family], "architecture.family", family)
    raise PlanError(
        f"architecture.family '{family}' cannot build a {task.replace('_', ' ')} model; use "
        "cnn (an anchor-free YOLO-style detector) or transformer (DETR)."
    )


def detection_image_size(spec, arch: str, bp: Blueprint) -> int:
    size, _, _ = image_params(spec)
    if size is None:
        size = DEFAULT_DETECTION_IMAGE_SIZE
        bp.decisions.append(
            f"No modality.image size or preset; the detector sees {size}x{size} "
            "images (YOLOv8's and DETR's evaluation size)."
        )
    if arch == "yolo" and size % 32:
        raise PlanError(
            f"modality.image.image_size ({size}) must be a multiple of 32 for the YOLO-style "
            "detector: its pyramid halves the image five times. Pick 320, 416, 512 or 640."
        )
    if size < 32:
        raise PlanError(f"modality.image.image_size ({size}) must be at least 32 for a detector.")
    return size


def detection_classes(spec, bp: Blueprint) -> int:
    """task.num_classes, or COCO's 80 object classes."""
    return task_num_classes(
        spec,
        bp,
        DEFAULT_DETECTION_CLASSES,
        f"{DEFAULT_DETECTION_CLASSES} object classes (COCO). "
        "Training data with another class count resizes the heads.",
    )


def plan_detector(spec, bp: Blueprint, task: str) -> str:
    """Set the arch, runtime task, dims, data and components of a detector."""
    arch = detector_arch(spec, task)
    num_classes = detection_classes(spec, bp)
    size = detection_image_size(spec, arch, bp)
    _, _, channels = image_params(spec)
    bp.arch, bp.task = arch, RUNTIME_TASKS[arch]
    bp.fixed_dims.update(image_size=size, in_channels=channels, num_classes=num_classes)
    if arch == "yolo":
        bp.fixed_dims["reg_max"] = 16
    else:
        bp.fixed_dims.update(backbone_stem="imagenet", num_queries=100, dropout=0.0)
    capacity = SCENE_OBJECT_CLASSES[3 if channels == 3 else 1]
    bp.data.update(
        kind="image",
        image_size=size,
        channels=channels,
        with_masks=False,
        num_classes=num_classes if num_classes <= capacity else 12,
    )
    bp.components = list(DETECTOR_COMPONENTS[arch])
    bp.decisions += DETECTOR_DECISIONS[arch]
    return arch


@register_task("object_detection")
class ObjectDetectionTaskHandler(TaskHandler):
    name = "object_detection"
    supported_modalities = ("image",)
    output_type = "bounding_boxes"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        plan_detector(spec, blueprint, self.name)
        blueprint.loss = blueprint.task
        blueprint.metrics = self.get_metrics(spec)
        blueprint.decisions.append(
            "mAP is COCO's AP@[.50:.95] (101 recall points, at most 100 detections per image, "
            "averaged over the classes with ground truth); map50 and map75 at IoU 0.5 and "
            "0.75. no_detections_map is the same metric for an empty prediction (0)."
        )
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "detection_head",
            "arch": blueprint.arch,
            "num_classes": blueprint.fixed_dims["num_classes"],
        }

    def get_loss_function(self, spec) -> str:
        return RUNTIME_TASKS[detector_arch(spec, self.name)]

    def get_metrics(self, spec) -> list[str]:
        return list(DETECTION_METRICS)
