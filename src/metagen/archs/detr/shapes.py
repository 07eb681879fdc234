"""DETR's solver grid and smoke dims.

The grid is DETR's transformer width with a backbone to match: ResNet-18-like basic blocks
(32 or 64 wide) under 256, ResNet-50 from 256 (DETR's); heads of 32 channels, an 8x MLP
(DETR's 256/2048); the depth knob sets both the encoder and decoder layers (DETR: 6 and 6).

Smoke scenes are 32 px: the backbone (3x3 stride-1 stem, three stride-2 stages) sees 4x4
features. DETR learns slowly; on CPU (one thread each, 4 object classes) these settings
reached, after 600 steps of 16: 32 px and 4 queries, held-out mAP 0.19 in 49 s; 64 px and 6
queries, 0.22 in 88 s; 32 px and 6 queries, 0.12; 64 px with the stride-32 stem (2x2
features), 0.06.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth

DETR_WIDTHS = (128, 192, 256, 384, 512)
DETR_MAX_LAYERS = 8

SMOKE_DETR_IMAGE_SIZE = 32


def detr_backbone(d_model: int) -> dict[str, Any]:
    if d_model >= 256:
        return {
            "backbone_block": "bottleneck",
            "backbone_layers": [3, 4, 6, 3],
            "backbone_width": 64,
        }
    return {
        "backbone_block": "basic",
        "backbone_layers": [2, 2, 2, 2],
        "backbone_width": 32 if d_model < 192 else 64,
    }


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in DETR_WIDTHS:
        base = {**fixed, **detr_backbone(d), "d_model": d, "n_heads": d // 32, "d_ff": 8 * d}
        yield Shape(
            f"d_model={d}",
            at_depth(base, "encoder_layers", "decoder_layers"),
            1,
            DETR_MAX_LAYERS,
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {
        **dims,
        "image_size": SMOKE_DETR_IMAGE_SIZE,
        "backbone_layers": [1, 1, 1, 1],
        "backbone_width": 8,
        "backbone_stem": "cifar",
        "d_model": 64,
        "n_heads": 4,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "d_ff": 256,
        "num_queries": 4,
    }
