"""What the semantic and panoptic segmentation handlers share: the segmenter (a U-Net or
SegFormer) is the whole model, so these handlers set the arch, dims, data and components."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.modalities.image import image_params
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.spec import Spec

SEGMENTATION_ARCHS = {"unet": "seg_unet", "cnn": "seg_unet", "transformer": "segformer"}
ARCH_NAMES = {"seg_unet": "a U-Net", "segformer": "SegFormer"}
# Without modality.image size: a common size for medical and scene segmentation crops.
DEFAULT_SEGMENTATION_IMAGE_SIZE = 256
SEGFORMER_MIN_IMAGE_SIZE = 32  # the 1/32 stage must hold one token
# Classes the built-in synthetic scenes can draw, by channels: (shape, colour) pairs (6 shapes
# x 6 or 2 colours) plus the background, or plus sky and ground (panoptic). A test keeps these
# in step with data/synthetic_scenes.py.
SCENE_SHAPE_CLASSES = {3: 36, 1: 12}
SCENE_STUFF_CLASSES = {"semantic": 1, "panoptic": 2}

SEGMENTATION_COMPONENTS = {
    "seg_unet": [
        (
            "encoder",
            "Contracting path: per level, 3x3 conv-BN-ReLU stages, then 2x2 max-pool; "
            "channels double per level",
        ),
        ("bottleneck", "3x3 conv-BN-ReLU stage at the lowest resolution"),
        (
            "decoder",
            "Expanding path: 2x2 transposed conv, concatenation with the same level's "
            "skip connection, 3x3 conv-BN-ReLU stage",
        ),
        ("head", "1x1 conv to per-pixel class logits"),
    ],
    "segformer": [
        *[
            (
                f"stage{i}",
                f"Mix Transformer stage {i}: overlapping patch embedding ("
                + ("7x7 stride-4" if i == 1 else "3x3 stride-2")
                + " conv, LayerNorm), blocks of "
                "efficient self-attention (keys and values from a spatially reduced map) and "
                "Mix-FFN (3x3 depthwise conv), LayerNorm",
            )
            for i in range(1, 5)
        ],
        (
            "decoder",
            "All-MLP decoder: a linear per stage to the decoder width, bilinear "
            "upsampling to 1/4 resolution, concatenation, 1x1 conv-BN-ReLU fusion",
        ),
        ("head", "1x1 conv to class logits, upsampled bilinearly to the input size"),
    ],
}
INSTANCE_COMPONENT = (
    "instance_head",
    "Panoptic-DeepLab instance head: a center heatmap "
    "branch and a (dy, dx) offset branch (3x3 conv-BN-ReLU, 1x1 conv each)",
)


def segmentation_arch(spec, task: str) -> str:
    family = spec_family(spec)
    if family not in SEGMENTATION_ARCHS:
        raise PlanError(
            f"architecture.family '{family}' cannot build a {task.replace('_', ' ')} model; "
            "use unet or cnn (a U-Net) or transformer (SegFormer)."
        )
    return SEGMENTATION_ARCHS[family]


def segmentation_image_size(spec, arch: str, blueprint: Blueprint) -> int:
    size, _, _ = image_params(spec)
    if size is None:
        size = DEFAULT_SEGMENTATION_IMAGE_SIZE
        blueprint.decisions.append(
            f"No modality.image size or preset; the segmenter works on {size}x{size} images."
        )
    if arch == "segformer" and (size % 4 or size < SEGFORMER_MIN_IMAGE_SIZE):
        raise PlanError(
            f"modality.image.image_size ({size}) must be a multiple of 4 and at least "
            f"{SEGFORMER_MIN_IMAGE_SIZE} for SegFormer: its decoder works at 1/4 resolution "
            "and its last stage at 1/32. Pick 64, 128, 256 or 512."
        )
    if arch == "seg_unet" and (size % 2 or size < 16):
        raise PlanError(
            f"modality.image.image_size ({size}) must be even and at least 16 for a U-Net: "
            "each level halves the image. Pick 64, 128, 256 or 512."
        )
    return size


def synthetic_scene_classes(num_classes: int, channels: int, kind: str) -> int:
    """The classes the synthetic scenes draw: the spec's count, or all they can if it asks for
    more (training then resizes the head to the data)."""
    stuff = SCENE_STUFF_CLASSES[kind]
    capacity = SCENE_SHAPE_CLASSES[3 if channels == 3 else 1] + stuff
    return min(max(num_classes, stuff + 1), capacity)


def plan_segmenter(
    spec, bp: Blueprint, *, kind: str, num_classes: int, thing_classes: list[int]
) -> str:
    """Set the arch, fixed dims, data and components of a semantic or panoptic segmenter."""
    task = f"{kind}_segmentation"
    arch = segmentation_arch(spec, task)
    size = segmentation_image_size(spec, arch, bp)
    _, _, channels = image_params(spec)
    bp.arch, bp.task = arch, task
    panoptic = kind == "panoptic"
    bp.fixed_dims.update(
        image_size=size,
        in_channels=channels,
        num_classes=num_classes,
        instance_head=panoptic,
        thing_classes=list(thing_classes),
    )
    if arch == "segformer":
        bp.fixed_dims.update(norm_eps=1e-6, dropout=0.0)
    bp.data.update(
        kind="image",
        image_size=size,
        channels=channels,
        num_classes=num_classes,
        synthetic_classes=synthetic_scene_classes(num_classes, channels, kind),
    )
    bp.components = list(SEGMENTATION_COMPONENTS[arch])
    if panoptic:
        bp.components.append(INSTANCE_COMPONENT)
    return arch


class SegmentationTaskHandler(TaskHandler):
    """Image in, a class per pixel out. A subclass's name ("semantic_segmentation" or
    "panoptic_segmentation") is also its runtime task and loss; it gives its default class
    count and its metrics, and writes its own plan notes."""

    supported_modalities = ("image",)
    output_type = "segmentation_mask"
    builds_architecture = True
    default_classes: ClassVar[int]
    default_note: ClassVar[str]  # the plan's note on that default
    fewer_than_two: ClassVar[str]  # why a segmenter needs at least 2 classes
    metrics: ClassVar[tuple[str, ...]]

    def augment_blueprint(self, spec: Spec, blueprint: Blueprint) -> Blueprint:
        kind = self.name.removesuffix("_segmentation")
        num_classes = task_num_classes(
            spec,
            blueprint,
            self.default_classes,
            f"{self.default_note} Training data with another class count resizes the head to "
            "match.",
        )
        if num_classes < 2:
            raise PlanError(
                f"task.num_classes ({num_classes}) must be at least 2 for {kind} "
                f"segmentation: {self.fewer_than_two}"
            )
        things = self.thing_classes(num_classes)
        arch = plan_segmenter(
            spec, blueprint, kind=kind, num_classes=num_classes, thing_classes=things
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        blueprint.decisions += self.plan_notes(ARCH_NAMES[arch], num_classes, things)
        return blueprint

    def thing_classes(self, num_classes: int) -> list[int]:
        """The classes whose pixels carry instance ids; none for semantic segmentation."""
        return []

    @abstractmethod
    def plan_notes(self, arch_name: str, num_classes: int, things: list[int]) -> list[str]:
        """The plan's notes on the model, its loss and its metrics."""

    def get_loss_function(self, spec: Spec) -> str:
        return self.name

    def get_metrics(self, spec: Spec) -> list[str]:
        return list(self.metrics)
