"""The diffusion U-Net's solver grid and smoke dims.

Levels and channel multipliers by image size as published (DDPM, Ho et al. 2020, for 32 and
256 px; ADM, Dhariwal & Nichol 2021, for 64, 128 and 512 px), other sizes halve down to about
8 px with the 256-px pattern (x2 every second level); self-attention at the 32, 16 and 8 px
levels below the top (ADM); GroupNorm of 32 groups; 64-channel heads where the channels
allow, else 32. The solver grows the base width and the residual blocks per level (the depth
knob). A caption encoder, when the spec conditions on text, is twice as wide as the base
(128 to 1024) with width/64 layers up to 12: CLIP ViT-L/14's text tower (768 wide, 12 deep)
beside a base of 384, near Stable Diffusion's 320.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth

UNET_CHANNEL_MULTS = {
    32: (1, 2, 2, 2),  # DDPM CIFAR-10
    64: (1, 2, 3, 4),  # ADM ImageNet 64
    128: (1, 1, 2, 3, 4),  # ADM ImageNet 128
    256: (1, 1, 2, 2, 4, 4),  # DDPM LSUN / CelebA-HQ 256, ADM 256
    512: (1, 2, 2, 4, 4, 8, 8),  # ADM 512: (0.5, 1, 1, 2, 2, 4, 4) on twice the base
}
UNET_ATTENTION_SIDES = (32, 16, 8)
UNET_NORM_GROUPS = 32
UNET_LOWEST_SIDE = 8
# Base widths: steps of 16 to 512 (GroupNorm then takes 16 groups where 32 do not divide),
# 32 to 1024, 64 to 2048.
UNET_BASE_WIDTHS = (
    tuple(range(32, 512, 16)) + tuple(range(512, 1024, 32)) + tuple(range(1024, 2049, 64))
)
UNET_MAX_BLOCKS = 6  # residual blocks per level on the way down
CAPTION_MAX_LAYERS = 12

SMOKE_UNET = {
    "image_size": 32,
    "base_channels": 16,
    "channel_mults": [1, 2, 2, 2],
    "num_res_blocks": 1,
    "attention_resolutions": [16, 8],
    "head_channels": 16,
    "norm_groups": 8,
    "caption_d_model": 64,
    "caption_n_layers": 2,
    "caption_n_heads": 2,
}


def unet_channel_mults(image_size: int) -> list[int]:
    """The published multipliers for the size, else halve while even down to ~8 px, doubling
    the width every second level."""
    if image_size in UNET_CHANNEL_MULTS:
        return list(UNET_CHANNEL_MULTS[image_size])
    levels, side = 1, image_size
    while side > UNET_LOWEST_SIDE and side % 2 == 0:
        side, levels = side // 2, levels + 1
    return [2 ** (i // 2) for i in range(levels)]


def unet_attention_resolutions(image_size: int, levels: int) -> list[int]:
    sides = [image_size // 2**i for i in range(levels)]
    return [s for s in sides[1:] if s in UNET_ATTENTION_SIDES]


def caption_encoder_dims(base: int) -> dict[str, int]:
    width = min(1024, max(128, 64 * round(2 * base / 64)))
    return {
        "caption_d_model": width,
        "caption_n_layers": max(2, min(CAPTION_MAX_LAYERS, width // 64)),
        "caption_n_heads": width // 64,
    }


def _head_channels(base: int, mults: list[int], image_size: int, attention: list[int]) -> int:
    sides = [image_size // 2**i for i in range(len(mults))]
    attended = [base * m for m, s in zip(mults, sides, strict=True) if s in attention]
    channels = [*attended, base * mults[-1]]
    return next(h for h in (64, 32, 16) if all(c % h == 0 for c in channels))


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    size = fixed["image_size"]
    mults = unet_channel_mults(size)
    attention = unet_attention_resolutions(size, len(mults))
    for base in UNET_BASE_WIDTHS:
        dims = {
            **fixed,
            "base_channels": base,
            "channel_mults": mults,
            "attention_resolutions": attention,
            "head_channels": _head_channels(base, mults, size, attention),
            "norm_groups": UNET_NORM_GROUPS if base % UNET_NORM_GROUPS == 0 else 16,
            **caption_encoder_dims(base),
        }
        yield Shape(
            f"base_channels={base} mults={mults}",
            at_depth(dims, "num_res_blocks"),
            1,
            UNET_MAX_BLOCKS,
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """32 px, four levels (DDPM's CIFAR layout), a 16-channel base, one block per level."""
    return {**dims, **SMOKE_UNET}
