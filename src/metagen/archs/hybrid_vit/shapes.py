"""The hybrid CNN + ViT classifier's solver grid and smoke dims: the ViT grid (64-wide heads,
4x MLP) on a stem of one stride-2 conv stage per halving of the patch size, channels
d/2^(S-1) ... d (Xiao et al. 2021: 48, 96, 192, 384 for d = 384). CLIP's and the VLM's
hybrid image towers size their stems with `hybrid_stem_channels` too."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.archs.vit.shapes import grid as vit_grid
from metagen.blueprint.shape_builds import Shape, at_depth

SMOKE_WIDTH = 128


def hybrid_stem_channels(d_model: int, stages: int) -> list[int]:
    """Channels of the stem's stages, doubling up to d_model."""
    return [d_model // 2 ** (stages - 1 - i) for i in range(stages)]


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The ViT grid; the patch size (a power of two) sets the number of stem stages."""
    stages = int(math.log2(fixed["patch_size"]))
    for shape in vit_grid(fixed, budget):
        base = {k: v for k, v in shape.build(shape.depth_min).items() if k != "patch_size"}
        base["stem_channels"] = hybrid_stem_channels(base["d_model"], stages)
        yield Shape(
            shape.label,
            at_depth(base, "n_layers"),
            shape.depth_min,
            shape.depth_max,
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """32 px through three stride-2 stages (4x4 tokens, as the smoke ViT's 8-px patches)."""
    return {
        **dims,
        "image_size": 32,
        "stem_channels": hybrid_stem_channels(SMOKE_WIDTH, 3),
        "d_model": SMOKE_WIDTH,
        "n_layers": 2,
        "n_heads": 4,
        "d_ff": 4 * SMOKE_WIDTH,
    }
