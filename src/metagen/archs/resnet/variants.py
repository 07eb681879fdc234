"""torchvision's ImageNet ResNets, numbers only (torchtune's model builders)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.catalog import Variant

# A ResNet's parameters do not depend on the image size, so a spec may set it.
_RESNET_ADJUSTABLE = ("num_classes", "in_channels", "image_size")


def _resnet(block: str, layers: list[int]) -> dict[str, Any]:
    return {
        "block": block,
        "layers": layers,
        "width": 64,
        "in_channels": 3,
        "num_classes": 1000,
        "stem": "imagenet",
        "image_size": 224,
    }


VARIANTS = (
    Variant(
        "resnet18",
        "resnet",
        "cnn",
        _resnet("basic", [2, 2, 2, 2]),
        11_689_512,
        "He et al. 2016, torchvision resnet18",
        _RESNET_ADJUSTABLE,
    ),
    Variant(
        "resnet34",
        "resnet",
        "cnn",
        _resnet("basic", [3, 4, 6, 3]),
        21_797_672,
        "He et al. 2016, torchvision resnet34",
        _RESNET_ADJUSTABLE,
    ),
    Variant(
        "resnet50",
        "resnet",
        "cnn",
        _resnet("bottleneck", [3, 4, 6, 3]),
        25_557_032,
        "He et al. 2016, torchvision resnet50",
        _RESNET_ADJUSTABLE,
    ),
    Variant(
        "resnet101",
        "resnet",
        "cnn",
        _resnet("bottleneck", [3, 4, 23, 3]),
        44_549_160,
        "He et al. 2016, torchvision resnet101",
        _RESNET_ADJUSTABLE,
    ),
)
