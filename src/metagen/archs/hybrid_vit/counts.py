"""Exact parameters, forward FLOPs and per-component costs of the hybrid CNN + transformer
classifier (model.py), from dims alone: the conv stem (nn/conv_stem.py), whose counts CLIP's
and the VLM's hybrid image towers share, then the ViT's classifier. Pure Python."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from metagen.archs.vit.counts import (
    EXTRA_TOKENS,
    classifier_costs,
    classifier_layers,
    token_tables,
)
from metagen.blueprint.cost import Cost, conv_cost, elementwise, total
from metagen.blueprint.counting import conv_bn, linear, pick


def conv_stem_params(in_channels: int, stem_channels: list[int], d_model: int) -> int:
    """The conv stem without its tokens: bias-free 3x3 convs, each with a BatchNorm (scale
    and shift), and the 1x1 projection to d_model (with bias)."""
    channels = [in_channels, *stem_channels]
    stages = sum(conv_bn(c_in, c_out, 3) for c_in, c_out in pairwise(channels))
    return stages + linear(channels[-1], d_model)  # a 1x1 conv is a linear per pixel


def conv_stem_flops(image_size: int, in_channels: int, stem_channels: list[int], d: int) -> int:
    """The conv stem's stride-2 3x3 convs and its 1x1 projection, for one image."""
    return conv_stem_cost(image_size, in_channels, stem_channels, d).flops


def conv_stem_cost(image_size: int, in_channels: int, stem_channels: list[int], d: int) -> Cost:
    """The conv stem up to its tokens, for one image: per stage a stride-2 3x3 conv, the eval
    BatchNorm (an empty save buffer, then the norm) and the ReLU; then the 1x1 projection."""
    channels = [in_channels, *stem_channels]
    out, side = Cost(), image_size
    for c_in, c_out in pairwise(channels):
        side //= 2
        conv = conv_cost(side * side, 9, c_in, c_out)
        out += conv + Cost(0, 1) + elementwise(side * side * c_out, 2)
    return out + conv_cost(side * side, 1, channels[-1], d)


def token_joins_cost(d_model: int, patches: int, tokens: int) -> Cost:
    """add_cls_and_positions: the class token's cat (when there is one), the position add."""
    return elementwise(tokens * d_model, 2 if tokens > patches else 1)


def stem_tokens(d: dict[str, Any]) -> tuple[int, int]:
    """(patches, tokens): one patch per pixel of the stem's output, plus the cls token when
    pooling by it."""
    side = d["image_size"] // 2 ** len(d["stem_channels"])
    return side * side, side * side + pick(EXTRA_TOKENS, d, "pool")


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """stem (conv-BN stages, 1x1 projection, cls token, positions), blocks.i, final_norm, head."""
    dm = dims["d_model"]
    patches, tokens = stem_tokens(dims)
    stem = conv_stem_params(dims["in_channels"], dims["stem_channels"], dm)
    return classifier_layers(dims, "stem", stem + token_tables(dm, patches, tokens))


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One image."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image: the conv stem and its tokens, then the ViT's classifier."""
    dm = dims["d_model"]
    patches, tokens = stem_tokens(dims)
    stem = conv_stem_cost(dims["image_size"], dims["in_channels"], dims["stem_channels"], dm)
    stem += token_joins_cost(dm, patches, tokens)
    return {"stem": stem, **classifier_costs(dims, tokens)}
