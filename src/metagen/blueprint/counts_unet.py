"""Exact parameters and forward FLOPs of the diffusion U-Net (`archs/unet/model.py`) and the hybrid
CNN + transformer classifier (`archs/hybrid_vit/model.py`), with the conv stem (`nn/conv_stem.py`) that
CLIP's and the VLM's hybrid image towers share, from dims alone (pure Python).

FLOPs follow `counts.py` (FlopCounterMode's conventions): 2*m*n*k per matmul, 2 * output
pixels * kernel area * c_in * c_out per conv, 4 * T_q * T_k * d per attention call; norms,
activations, resampling and embeddings are free. A U-Net's FLOPs are one denoiser evaluation;
sampling costs that once per sampler step.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

Dims = dict[str, Any]

UNET_REQUIRED = (
    "image_size",
    "in_channels",
    "base_channels",
    "channel_mults",
    "num_res_blocks",
    "attention_resolutions",
    "text_conditioning",
    "caption_vocab_size",
    "caption_length",
    "caption_d_model",
    "caption_n_layers",
)
HYBRID_VIT_REQUIRED = (
    "image_size",
    "in_channels",
    "stem_channels",
    "d_model",
    "n_layers",
    "d_ff",
    "num_classes",
    "pool",
)
HYBRID_EXTRA_TOKENS = {"cls": 1, "mean": 0}


def _linear(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out


def _conv(c_in: int, c_out: int, kernel: int) -> int:
    return c_in * c_out * kernel * kernel + c_out


def _conv_flops(side: int, c_in: int, c_out: int, kernel: int) -> int:
    return 2 * side * side * kernel * kernel * c_in * c_out


def _transformer_block(d: int, d_ff: int) -> int:
    """A pre-norm ViT block: qkv and output projections, GELU MLP, two LayerNorms."""
    return _linear(d, 3 * d) + _linear(d, d) + _linear(d, d_ff) + _linear(d_ff, d) + 4 * d


def _transformer_block_flops(tokens: int, d: int, d_ff: int) -> int:
    return 2 * tokens * d * 4 * d + 4 * tokens * tokens * d + 4 * tokens * d * d_ff


# --- unet ------------------------------------------------------------------------------------


class _UNetWalk:
    """Adds up each layer's params and FLOPs in archs/unet/model.py's order. Identical blocks of a level
    are counted once, times their number, so a count costs the same at any depth."""

    def __init__(self, d: Dims) -> None:
        self.d = d
        self.base = d["base_channels"]
        self.time_dim = 4 * self.base
        self.cond = bool(d["text_conditioning"])
        self.context = d["caption_d_model"] if self.cond else 0
        self.layers: dict[str, int] = {}
        self.flops = 0

    def res_block(self, side: int, c_in: int, c_out: int, times: int = 1) -> int:
        params = 2 * c_in + _conv(c_in, c_out, 3) + _linear(self.time_dim, c_out)
        params += 2 * c_out + _conv(c_out, c_out, 3)
        flops = _conv_flops(side, c_in, c_out, 3) + 2 * self.time_dim * c_out
        flops += _conv_flops(side, c_out, c_out, 3)
        if c_in != c_out:
            params += _conv(c_in, c_out, 1)
            flops += _conv_flops(side, c_in, c_out, 1)
        self.flops += times * flops
        return times * params

    def attention(self, side: int, c: int, times: int = 1) -> int:
        n = side * side
        params = 2 * c + _linear(c, 3 * c) + _linear(c, c)
        flops = 2 * n * c * 4 * c + 4 * n * n * c
        if self.cond:
            length = self.d["caption_length"]
            params += 2 * c + 2 * _linear(c, c) + _linear(self.context, 2 * c)
            flops += 2 * n * c * 2 * c + 2 * length * self.context * 2 * c
            flops += 4 * n * length * c
        self.flops += times * flops
        return times * params

    def run(self) -> None:
        d, blocks = self.d, self.d["num_res_blocks"]
        channels = [self.base * m for m in d["channel_mults"]]
        attend = set(d["attention_resolutions"])
        sides = [d["image_size"] // 2**i for i in range(len(channels))]
        last = len(channels) - 1
        self.layers["time_embedding"] = _linear(self.base, self.time_dim)
        self.layers["time_embedding"] += _linear(self.time_dim, self.time_dim)
        self.flops += 2 * self.base * self.time_dim + 2 * self.time_dim * self.time_dim
        if self.cond:
            self.caption_encoder()
        self.layers["stem"] = _conv(d["in_channels"], channels[0], 3)
        self.flops += _conv_flops(sides[0], d["in_channels"], channels[0], 3)
        ch = channels[0]
        for i, c in enumerate(channels):  # the first block changes the channels
            params = self.res_block(sides[i], ch, c) + self.res_block(sides[i], c, c, blocks - 1)
            params += self.attention(sides[i], c, blocks) if sides[i] in attend else 0
            if i < last:
                params += _conv(c, c, 3)
                self.flops += _conv_flops(sides[i + 1], c, c, 3)  # stride 2
            self.layers[f"down.{i}"] = params
            ch = c
        middle = self.res_block(sides[-1], ch, ch, 2) + self.attention(sides[-1], ch)
        self.layers["middle"] = middle
        # Up level i reads `blocks` skips of c_i, then one of the level above (the stem's for 0).
        for k, i in enumerate(reversed(range(len(channels)))):
            c, above = channels[i], channels[max(i - 1, 0)]
            params = self.res_block(sides[i], ch + c, c)
            params += self.res_block(sides[i], 2 * c, c, blocks - 1)
            params += self.res_block(sides[i], c + above, c)
            params += self.attention(sides[i], c, blocks + 1) if sides[i] in attend else 0
            if i > 0:
                params += _conv(c, c, 3)
                self.flops += _conv_flops(sides[i - 1], c, c, 3)  # after nearest x2
            self.layers[f"up.{k}"] = params
            ch = c
        self.layers["head"] = 2 * ch + _conv(ch, d["in_channels"], 3)
        self.flops += _conv_flops(sides[0], ch, d["in_channels"], 3)

    def caption_encoder(self) -> None:
        d, width, length = self.d, self.d["caption_d_model"], self.d["caption_length"]
        params = d["caption_vocab_size"] * width + length * width + 2 * width
        params += _linear(width, self.time_dim)  # the pooled projection
        params += d["caption_n_layers"] * _transformer_block(width, 4 * width)
        self.layers["caption_encoder"] = params
        self.flops += d["caption_n_layers"] * _transformer_block_flops(length, width, 4 * width)
        self.flops += 2 * width * self.time_dim


def unet_layers(d: Dims) -> dict[str, int]:
    """time_embedding, caption_encoder (conditioned only), stem, down.{i} (top level first),
    middle, up.{i} (bottom level first), head."""
    walk = _UNetWalk(d)
    walk.run()
    return walk.layers


def unet_flops(d: Dims, seq_len: int | None) -> int:
    walk = _UNetWalk(d)
    walk.run()
    return walk.flops


# --- hybrid_vit ------------------------------------------------------------------------------


def _hybrid_tokens(d: Dims) -> tuple[int, int, int]:
    """(grid side, patch tokens, all tokens)."""
    grid = d["image_size"] // 2 ** len(d["stem_channels"])
    extra = HYBRID_EXTRA_TOKENS.get(d["pool"])
    if extra is None:
        raise ValueError(f"pool must be one of {sorted(HYBRID_EXTRA_TOKENS)}, got {d['pool']!r}")
    return grid, grid * grid, grid * grid + extra


def conv_stem_params(in_channels: int, stem_channels: list[int], d_model: int) -> int:
    """The conv stem of `nn/conv_stem.py` without its tokens: bias-free 3x3 convs, each with a
    BatchNorm (scale and shift), and the 1x1 projection to d_model (with bias)."""
    channels = [in_channels, *stem_channels]
    stages = sum(c_in * c_out * 9 + 2 * c_out for c_in, c_out in pairwise(channels))
    return stages + _conv(channels[-1], d_model, 1)


def conv_stem_flops(image_size: int, in_channels: int, stem_channels: list[int], d: int) -> int:
    """The conv stem's stride-2 3x3 convs and its 1x1 projection, for one image."""
    channels = [in_channels, *stem_channels]
    flops, side = 0, image_size
    for c_in, c_out in pairwise(channels):
        side //= 2
        flops += _conv_flops(side, c_in, c_out, 3)
    return flops + _conv_flops(side, channels[-1], d, 1)


def hybrid_vit_layers(d: Dims) -> dict[str, int]:
    """stem (conv-BN stages, 1x1 projection, cls token, positions), blocks.{i}, final_norm, head."""
    dm = d["d_model"]
    _, patches, tokens = _hybrid_tokens(d)
    stem = conv_stem_params(d["in_channels"], d["stem_channels"], dm)
    stem += (tokens - patches) * dm + tokens * dm
    layers = {"stem": stem}
    layers.update({f"blocks.{i}": _transformer_block(dm, d["d_ff"]) for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = _linear(dm, d["num_classes"])
    return layers


def hybrid_vit_flops(d: Dims, seq_len: int | None) -> int:
    dm = d["d_model"]
    _, _, tokens = _hybrid_tokens(d)
    flops = conv_stem_flops(d["image_size"], d["in_channels"], d["stem_channels"], dm)
    flops += d["n_layers"] * _transformer_block_flops(tokens, dm, d["d_ff"])
    return flops + 2 * dm * d["num_classes"]
