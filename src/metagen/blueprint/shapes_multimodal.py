"""Standard shapes and smoke dims of the multi-modal models (clip, vlm).

How the budget is split between the towers (each rule is one stated choice):

- clip: the text tower is 2/3 as wide as the image tower (rounded down to a multiple of 64),
  as deep, with 64-wide heads, and the shared embedding is as wide as the text tower. That is
  OpenAI CLIP ViT-B (768/12 image, 512/12 text, embed 512); the solver grows the image width
  and the common depth together.
- vlm: the image encoder is a fixed ViT chosen by the budget (ViT-L from 3B, as LLaVA; ViT-B
  from 500M; ViT-S from 100M; ViT-Ti below), the connector is LLaVA-1.5's two-layer MLP, and
  the language model takes the rest: the largest standard LM shape that fits.
- family hybrid (either model): the image tower's patchify becomes the hybrid ViT's conv stem,
  one stride-2 stage per halving of the patch size with channels d/2^(S-1) ... d for tower
  width d (`hybrid_stem_channels`). The handler asks for it with `vision_stem_stages` in the
  fixed dims, which the shapes turn into `vision_stem_channels`.

The shape modules are imported lazily: `shapes.py` imports this module for its registry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth
from metagen.blueprint.shapes_unet import hybrid_stem_channels

# (smallest budget, width, depth) of the VLM's image encoder, largest first.
VLM_VISION_TOWERS = (
    (3_000_000_000, 1024, 24),  # ViT-L, as LLaVA-1.5-7B's CLIP ViT-L/14
    (500_000_000, 768, 12),  # ViT-B
    (100_000_000, 384, 12),  # ViT-S
    (0, 192, 12),  # ViT-Ti
)
CLIP_TEXT_WIDTH_RATIO = 2 / 3

# Smoke: 32-pixel images in 8-pixel patches (16 tokens), two layers per tower. The image
# towers are 64 wide: 200 CLIP steps (batch 64, lr 2e-3, one CPU thread) took 24 s at width
# 64 and 73 s at 128, with the same held-out text->image R@1 (0.016 over 512 pairs).
SMOKE_MM_IMAGE_SIZE = 32
SMOKE_MM_PATCH = 8
SMOKE_MM_IMAGE_WIDTH = 64
SMOKE_MM_TEXT_WIDTH = 64  # CLIP's text tower
SMOKE_MM_LM_WIDTH = 128  # the VLM's language model, as the text LMs' smoke width
SMOKE_MM_HEADS = 4
SMOKE_MM_VOCAB = 320  # the byte tokenizer's 259 ids, padded
SMOKE_CAPTION_LEN = 24  # tokens: bos, a synthetic caption (at most 17 bytes), eos, padding


def clip_text_width(vision_width: int) -> int:
    return max(128, 64 * int(vision_width * CLIP_TEXT_WIDTH_RATIO // 64))


def _without_stem_stages(fixed: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The fixed dims without the handler's `vision_stem_stages` (0: patchify), and its value."""
    rest = {k: v for k, v in fixed.items() if k != "vision_stem_stages"}
    return rest, fixed["vision_stem_stages"]


def clip_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape, vit_shapes

    fixed, stem_stages = _without_stem_stages(fixed)
    for vit in vit_shapes({}, budget):  # the ViT grid of widths and depth ranges
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


def vlm_vision_tower(budget: int, stem_stages: int) -> dict[str, Any]:
    width, depth = next((w, n) for floor, w, n in VLM_VISION_TOWERS if budget >= floor)
    return {
        "vision_d_model": width,
        "vision_n_layers": depth,
        "vision_n_heads": width // 64,
        "vision_d_ff": 4 * width,
        "vision_stem_channels": hybrid_stem_channels(width, stem_stages),
    }


def _vlm_at_depth(
    vision: dict[str, Any], lm_build: Callable[[int], dict[str, Any]], every: int
) -> Callable[[int], dict[str, Any]]:
    """The vision tower's dims with the language model's at `every` layers per unit."""
    return lambda units: {**vision, **lm_build(every * units)}


def vlm_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    """The LM grid of `lm_shapes` behind a fixed image encoder. With cross-attention fusion
    the depth knob counts groups of `cross_attention_every` LM layers (one cross-attention
    layer each), so parameters stay affine in it."""
    from metagen.blueprint.shapes import Shape, lm_shapes

    fixed, stem_stages = _without_stem_stages(fixed)
    vision = vlm_vision_tower(budget, stem_stages)
    every = fixed["cross_attention_every"] if fixed["fusion"] == "cross_attention" else 1
    for lm in lm_shapes(fixed, budget):
        low, high = math.ceil(lm.depth_min / every), max(1, lm.depth_max // every)
        yield Shape(
            lm.label,
            _vlm_at_depth(vision, lm.build, every),
            min(low, high),
            high,
        )


def _smoke_stem(dims: dict[str, Any]) -> list[int]:
    """A conv stem stays one: a stage per halving down to the smoke patch, at the smoke width."""
    stages = int(math.log2(SMOKE_MM_PATCH)) if dims["vision_stem_channels"] else 0
    return hybrid_stem_channels(SMOKE_MM_IMAGE_WIDTH, stages)


def smoke_clip(dims: dict[str, Any]) -> dict[str, Any]:
    v, t = SMOKE_MM_IMAGE_WIDTH, SMOKE_MM_TEXT_WIDTH
    return {
        **dims,
        "image_size": SMOKE_MM_IMAGE_SIZE,
        "patch_size": SMOKE_MM_PATCH,
        "vision_stem_channels": _smoke_stem(dims),
        "vision_d_model": v,
        "vision_n_layers": 2,
        "vision_n_heads": SMOKE_MM_HEADS,
        "vision_d_ff": 4 * v,
        "vocab_size": min(dims["vocab_size"], SMOKE_MM_VOCAB),
        "context_length": SMOKE_CAPTION_LEN,
        "text_d_model": t,
        "text_n_layers": 2,
        "text_n_heads": SMOKE_MM_HEADS,
        "text_d_ff": 4 * t,
        "embed_dim": t,
    }


def smoke_vlm(dims: dict[str, Any]) -> dict[str, Any]:
    v, w = SMOKE_MM_IMAGE_WIDTH, SMOKE_MM_LM_WIDTH
    kv_ratio = dims["n_heads"] // dims["n_kv_heads"]
    ff_ratio = dims["d_ff"] / dims["d_model"]
    return {
        **dims,
        "image_size": SMOKE_MM_IMAGE_SIZE,
        "patch_size": SMOKE_MM_PATCH,
        "vision_stem_channels": _smoke_stem(dims),
        "vision_d_model": v,
        "vision_n_layers": 2,
        "vision_n_heads": SMOKE_MM_HEADS,
        "vision_d_ff": 4 * v,
        "vocab_size": min(dims["vocab_size"], SMOKE_MM_VOCAB),
        "context_length": SMOKE_CAPTION_LEN,
        "d_model": w,
        "n_layers": 2,
        "n_heads": SMOKE_MM_HEADS,
        "n_kv_heads": max(1, SMOKE_MM_HEADS // kv_ratio),
        "d_ff": 32 * round(ff_ratio * w / 32),
    }
