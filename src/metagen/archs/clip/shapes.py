"""CLIP's solver grid and smoke dims, and the image-tower pieces the VLM's share.

The text tower is 2/3 as wide as the image tower (rounded down to a multiple of 64), as
deep, with 64-wide heads, and the shared embedding is as wide as the text tower. That is
OpenAI CLIP ViT-B (768/12 image, 512/12 text, embed 512); the solver grows the image width
and the common depth together, over the ViT grid's widths and depth ranges.

Family hybrid (CLIP or the VLM): the image tower's patchify becomes the hybrid ViT's conv
stem, one stride-2 stage per halving of the patch size with channels d/2^(S-1) ... d for
tower width d (`hybrid_stem_channels`). The handler asks for it with `vision_stem_stages` in
the fixed dims, which the grids turn into `vision_stem_channels`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.archs.hybrid_vit.shapes import hybrid_stem_channels
from metagen.archs.vit.shapes import grid as vit_grid
from metagen.blueprint.shape_builds import Shape, at_depth

CLIP_TEXT_WIDTH_RATIO = 2 / 3

# Smoke: 32-pixel images in 8-pixel patches (16 tokens), two layers per tower. The image
# towers are 64 wide: 200 CLIP steps (batch 64, lr 2e-3, one CPU thread) took 24 s at width
# 64 and 73 s at 128, with the same held-out text->image R@1 (0.016 over 512 pairs).
SMOKE_MM_IMAGE_SIZE = 32
SMOKE_MM_PATCH = 8
SMOKE_MM_IMAGE_WIDTH = 64
SMOKE_MM_TEXT_WIDTH = 64  # CLIP's text tower
SMOKE_MM_HEADS = 4
SMOKE_MM_VOCAB = 320  # the byte tokenizer's 259 ids, padded
SMOKE_CAPTION_LEN = 24  # tokens: bos, a synthetic caption (at most 17 bytes), eos, padding


def clip_text_width(vision_width: int) -> int:
    return max(128, 64 * int(vision_width * CLIP_TEXT_WIDTH_RATIO // 64))


def without_stem_stages(fixed: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The fixed dims without the handler's `vision_stem_stages` (0: patchify), and its value."""
    rest = {k: v for k, v in fixed.items() if k != "vision_stem_stages"}
    return rest, fixed["vision_stem_stages"]


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    fixed, stem_stages = without_stem_stages(fixed)
    for vit in vit_grid({}, budget):  # the ViT grid of widths and depth ranges
        d = vit.build(vit.depth_min)["d_model"]
        text = clip_text_width(d)
        base = {
            **fixed,
            "vision_d_model": d,
            "vision_stem_channels": hybrid_stem_channels(d, stem_stages),
            "vision_n_heads": d // 64,
            "vision_d_ff": 4 * d,
            "text_d_model": text,
            "text_n_heads": text // 64,
            "text_d_ff": 4 * text,
            "embed_dim": text,
        }
        yield Shape(
            f"vision_d_model={d} text_d_model={text}",
            at_depth(base, "vision_n_layers", "text_n_layers"),
            vit.depth_min,
            vit.depth_max,
        )


def smoke_image_tower(dims: dict[str, Any]) -> dict[str, Any]:
    """The smoke image tower and captions, which CLIP and the VLM share. A conv stem stays
    one: a stage per halving down to the smoke patch, at the smoke width."""
    stages = int(math.log2(SMOKE_MM_PATCH)) if dims["vision_stem_channels"] else 0
    v = SMOKE_MM_IMAGE_WIDTH
    return {
        "image_size": SMOKE_MM_IMAGE_SIZE,
        "patch_size": SMOKE_MM_PATCH,
        "vision_stem_channels": hybrid_stem_channels(v, stages),
        "vision_d_model": v,
        "vision_n_layers": 2,
        "vision_n_heads": SMOKE_MM_HEADS,
        "vision_d_ff": 4 * v,
        "vocab_size": min(dims["vocab_size"], SMOKE_MM_VOCAB),
        "context_length": SMOKE_CAPTION_LEN,
    }


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    t = SMOKE_MM_TEXT_WIDTH
    return {
        **dims,
        **smoke_image_tower(dims),
        "text_d_model": t,
        "text_n_layers": 2,
        "text_n_heads": SMOKE_MM_HEADS,
        "text_d_ff": 4 * t,
        "embed_dim": t,
    }
