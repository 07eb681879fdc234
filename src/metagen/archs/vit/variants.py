"""The ViT's published sizes at 224 px with 16-px patches, numbers only (torchtune's model
builders)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.catalog import Variant

_VIT_ADJUSTABLE = ("num_classes", "in_channels")


def _vit(d_model: int, n_layers: int, n_heads: int, patch_size: int = 16) -> dict[str, Any]:
    return {
        "image_size": 224,
        "patch_size": patch_size,
        "in_channels": 3,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "d_ff": 4 * d_model,
        "num_classes": 1000,
        "pool": "cls",
        "norm_eps": 1e-6,
        "dropout": 0.0,
    }


VARIANTS = (
    Variant(
        "vit_ti_16",
        "vit",
        "transformer",
        _vit(192, 12, 3),
        5_717_416,
        "Touvron et al. 2021 (DeiT-Ti), timm vit_tiny_patch16_224",
        _VIT_ADJUSTABLE,
    ),
    Variant(
        "vit_s_16",
        "vit",
        "transformer",
        _vit(384, 12, 6),
        22_050_664,
        "Touvron et al. 2021 (DeiT-S), timm vit_small_patch16_224",
        _VIT_ADJUSTABLE,
    ),
    Variant(
        "vit_b_16",
        "vit",
        "transformer",
        _vit(768, 12, 12),
        86_567_656,
        "Dosovitskiy et al. 2021, ViT-B/16",
        _VIT_ADJUSTABLE,
    ),
    Variant(
        "vit_l_16",
        "vit",
        "transformer",
        _vit(1024, 24, 16),
        304_326_632,
        "Dosovitskiy et al. 2021, ViT-L/16",
        _VIT_ADJUSTABLE,
    ),
)
