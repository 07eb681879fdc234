"""Exact parameters and forward FLOPs of the transformer image classifiers, from dims alone:
`vit` (archs/vit/model.py) patchifies, `hybrid_vit` (archs/hybrid_vit/model.py) starts with
the conv stem (nn/conv_stem.py) that CLIP's and the VLM's hybrid image towers share.
Pure Python."""

from __future__ import annotations

from itertools import pairwise

from metagen.blueprint.counting import (
    Dims,
    conv_bn,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_pieces import conv, conv_flops, linear_flops, stack

EXTRA_TOKENS = {"cls": 1, "mean": 0}  # pooling by a class token adds one


def _classifier_layers(d: Dims, embedding: str, embedding_params: int) -> dict[str, int]:
    """The token embedding, then pre-norm blocks, a final norm and a linear head."""
    dm = d["d_model"]
    layers = {embedding: embedding_params}
    layers.update(stack("blocks", d["n_layers"], encoder_block_params(dm, d["d_ff"])))
    layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(dm, d["num_classes"])
    return layers


def _classifier_flops(d: Dims, tokens: int) -> int:
    dm = d["d_model"]
    blocks = d["n_layers"] * encoder_block_flops(tokens, dm, d["d_ff"])
    return blocks + linear_flops(1, dm, d["num_classes"])


def _tables(d: Dims, patches: int) -> int:
    """The class token (when pooling by it) and the position table, past the patches."""
    tokens = patches + pick(EXTRA_TOKENS, d, "pool")
    return (tokens - patches) * d["d_model"] + tokens * d["d_model"]


# --- vit -------------------------------------------------------------------------------------


def _patches(d: Dims) -> int:
    return (d["image_size"] // d["patch_size"]) ** 2


def vit_layers(d: Dims) -> dict[str, int]:
    patchify = conv(d["in_channels"], d["d_model"], d["patch_size"])
    return _classifier_layers(d, "patch_embedding", patchify + _tables(d, _patches(d)))


def vit_flops(d: Dims, seq_len: int | None) -> int:
    patches = _patches(d)
    patchify = conv_flops(patches, d["in_channels"], d["d_model"], d["patch_size"])
    return patchify + _classifier_flops(d, patches + pick(EXTRA_TOKENS, d, "pool"))


# --- the conv stem and hybrid_vit ------------------------------------------------------------


def conv_stem_params(in_channels: int, stem_channels: list[int], d_model: int) -> int:
    """The conv stem without its tokens: bias-free stride-2 3x3 convs, each with a BatchNorm,
    and the 1x1 projection to d_model (with bias)."""
    channels = [in_channels, *stem_channels]
    stages = sum(conv_bn(c_in, c_out, 3) for c_in, c_out in pairwise(channels))
    return stages + conv(channels[-1], d_model, 1)


def conv_stem_flops(image_size: int, in_channels: int, stem_channels: list[int], d: int) -> int:
    """The conv stem's stride-2 3x3 convs and its 1x1 projection, for one image."""
    channels = [in_channels, *stem_channels]
    flops, side = 0, image_size
    for c_in, c_out in pairwise(channels):
        side //= 2
        flops += conv_flops(side * side, c_in, c_out, 3)
    return flops + conv_flops(side * side, channels[-1], d, 1)


def _hybrid_patches(d: Dims) -> int:
    return (d["image_size"] // 2 ** len(d["stem_channels"])) ** 2


def hybrid_vit_layers(d: Dims) -> dict[str, int]:
    """stem (conv-BN stages, 1x1 projection, cls token, positions), blocks.i, final_norm, head."""
    stem = conv_stem_params(d["in_channels"], d["stem_channels"], d["d_model"])
    return _classifier_layers(d, "stem", stem + _tables(d, _hybrid_patches(d)))


def hybrid_vit_flops(d: Dims, seq_len: int | None) -> int:
    stem = conv_stem_flops(d["image_size"], d["in_channels"], d["stem_channels"], d["d_model"])
    return stem + _classifier_flops(d, _hybrid_patches(d) + pick(EXTRA_TOKENS, d, "pool"))
