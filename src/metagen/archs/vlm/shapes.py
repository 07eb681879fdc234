"""The VLM's solver grid and smoke dims.

The image encoder is a fixed ViT chosen by the budget (ViT-L from 3B, as LLaVA; ViT-B from
500M; ViT-S from 100M; ViT-Ti below), the connector is LLaVA-1.5's two-layer MLP, and the
language model takes the rest: the largest standard LM shape (archs/decoder_lm/shapes.py)
that fits. A hybrid image tower's stem is sized as CLIP's (archs/clip/shapes.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from metagen.archs.clip.shapes import SMOKE_MM_HEADS, smoke_image_tower, without_stem_stages
from metagen.archs.decoder_lm.shapes import grid as lm_grid
from metagen.archs.hybrid_vit.shapes import hybrid_stem_channels
from metagen.blueprint.shape_builds import Shape

# (smallest budget, width, depth) of the VLM's image encoder, largest first.
VLM_VISION_TOWERS = (
    (3_000_000_000, 1024, 24),  # ViT-L, as LLaVA-1.5-7B's CLIP ViT-L/14
    (500_000_000, 768, 12),  # ViT-B
    (100_000_000, 384, 12),  # ViT-S
    (0, 192, 12),  # ViT-Ti
)
SMOKE_MM_LM_WIDTH = 128  # the language model, as the text LMs' smoke width


def vlm_vision_tower(budget: int, stem_stages: int) -> dict[str, Any]:
    width, depth = next((w, n) for floor, w, n in VLM_VISION_TOWERS if budget >= floor)
    return {
        "vision_d_model": width,
        "vision_n_layers": depth,
        "vision_n_heads": width // 64,
        "vision_d_ff": 4 * width,
        "vision_stem_channels": hybrid_stem_channels(width, stem_stages),
    }


def _at_depth(
    vision: dict[str, Any], lm_build: Callable[[int], dict[str, Any]], every: int
) -> Callable[[int], dict[str, Any]]:
    """The vision tower's dims with the language model's at `every` layers per unit."""
    return lambda units: {**vision, **lm_build(every * units)}


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The LM grid behind a fixed image encoder. With cross-attention fusion the depth knob
    counts groups of `cross_attention_every` LM layers (one cross-attention layer each), so
    parameters stay affine in it."""
    fixed, stem_stages = without_stem_stages(fixed)
    vision = vlm_vision_tower(budget, stem_stages)
    every = fixed["cross_attention_every"] if fixed["fusion"] == "cross_attention" else 1
    for lm in lm_grid(fixed, budget):
        low, high = math.ceil(lm.depth_min / every), max(1, lm.depth_max // every)
        yield Shape(lm.label, _at_depth(vision, lm.build, every), min(low, high), high)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    w = SMOKE_MM_LM_WIDTH
    kv_ratio = dims["n_heads"] // dims["n_kv_heads"]
    ff_ratio = dims["d_ff"] / dims["d_model"]
    return {
        **dims,
        **smoke_image_tower(dims),
        "d_model": w,
        "n_layers": 2,
        "n_heads": SMOKE_MM_HEADS,
        "n_kv_heads": max(1, SMOKE_MM_HEADS // kv_ratio),
        "d_ff": 32 * round(ff_ratio * w / 32),
    }
