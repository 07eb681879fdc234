"""The segmentation U-Net's named variant: U-Net (Ronneberger et al. 2015)."""

from __future__ import annotations

from metagen.blueprint.catalog import Variant

# Segmentation: the spec may set the classes, channels and image size (no position tables),
# and the panoptic task adds an instance head that the published counts do not include.
SEGMENTATION_ADJUSTABLE = (
    "num_classes",
    "in_channels",
    "image_size",
    "instance_head",
    "thing_classes",
)
# U-Net (Ronneberger et al. 2015) with padded convs and BatchNorm, as milesial/Pytorch-UNet:
# 64 to 1024 channels over 5 levels, transposed-conv upsampling; 3 channels in, 2 classes.
_UNET = {
    "image_size": 256,
    "in_channels": 3,
    "num_classes": 2,
    "base_channels": 64,
    "levels": 5,
    "convs_per_level": 2,
    "instance_head": False,
    "thing_classes": [],
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "unet",
        "seg_unet",
        "unet",
        _UNET,
        31_037_698,
        "Ronneberger et al. 2015, U-Net with BatchNorm and padded convs "
        "(milesial/Pytorch-UNet layout, 3 channels, 2 classes)",
        SEGMENTATION_ADJUSTABLE,
        published_components=("encoder", "bottleneck", "decoder", "head"),
    ),
)
