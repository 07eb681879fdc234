"""SegFormer's named variant: SegFormer-B0 (Xie et al. 2021)."""

from __future__ import annotations

from metagen.archs.seg_unet.variants import SEGMENTATION_ADJUSTABLE
from metagen.blueprint.catalog import Variant

# SegFormer-B0 (Xie et al. 2021) with its ADE20K head (150 classes).
_SEGFORMER_B0 = {
    "image_size": 512,
    "in_channels": 3,
    "num_classes": 150,
    "stage_dims": [32, 64, 160, 256],
    "stage_depths": [2, 2, 2, 2],
    "stage_heads": [1, 2, 5, 8],
    "sr_ratios": [8, 4, 2, 1],
    "mlp_ratio": 4,
    "decoder_dim": 256,
    "norm_eps": 1e-6,
    "dropout": 0.0,
    "instance_head": False,
    "thing_classes": [],
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "segformer_b0",
        "segformer",
        "transformer",
        _SEGFORMER_B0,
        3_752_694,
        "Xie et al. 2021, SegFormer-B0 with the ADE20K head (HF "
        "nvidia/segformer-b0-finetuned-ade-512-512)",
        SEGMENTATION_ADJUSTABLE,
        published_components=("stage1", "stage2", "stage3", "stage4", "decoder", "head"),
    ),
)
