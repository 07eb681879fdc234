"""Exact parameters and forward FLOPs of the diffusion U-Net (model.py), from dims alone; its
caption encoder's counts serve video_diffusion too. Pure Python.

FLOPs are one denoiser evaluation (sampling costs that once per sampler step) and follow
FlopCounterMode: 2*m*n*k per matmul, 2 * output pixels * kernel area * c_in * c_out per
conv, 4 * T_q * T_k * d per attention call; norms (GroupNorm: a scale and a shift per
channel), activations, resampling and embeddings are free.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    attention_flops,
    attention_params,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)


def _conv(c_in: int, c_out: int, kernel: int) -> int:
    """A conv with bias: a linear over each c_in x kernel x kernel window."""
    return linear(c_in * kernel * kernel, c_out)


def _conv_flops(side: int, c_in: int, c_out: int, kernel: int) -> int:
    """A conv to a side x side output."""
    return 2 * side * side * kernel * kernel * c_in * c_out


def caption_encoder_params(d: dict[str, Any], d_out: int) -> int:
    """The caption encoder: byte embeddings, positions, pre-norm blocks with a 4x MLP, a final
    norm and the projection of its pooled token to d_out."""
    width, length = d["caption_d_model"], d["caption_length"]
    embeddings = d["caption_vocab_size"] * width + length * width
    blocks = d["caption_n_layers"] * encoder_block_params(width, 4 * width)
    return embeddings + blocks + layer_norm(width) + linear(width, d_out)


def caption_encoder_flops(d: dict[str, Any], d_out: int) -> int:
    width, length = d["caption_d_model"], d["caption_length"]
    blocks = d["caption_n_layers"] * encoder_block_flops(length, width, 4 * width)
    return blocks + 2 * width * d_out


class _UNetWalk:
    """Adds up each layer's params and FLOPs in model.py's order. Identical blocks of a level
    are counted once, times their number, so a count costs the same at any depth."""

    def __init__(self, d: dict[str, Any]) -> None:
        self.d = d
        self.base = d["base_channels"]
        self.time_dim = 4 * self.base
        self.cond = bool(d["text_conditioning"])
        self.context = d["caption_d_model"] if self.cond else 0
        self.layers: dict[str, int] = {}
        self.flops = 0

    def res_block(self, side: int, c_in: int, c_out: int, times: int = 1) -> int:
        params = layer_norm(c_in) + _conv(c_in, c_out, 3) + linear(self.time_dim, c_out)
        params += layer_norm(c_out) + _conv(c_out, c_out, 3)  # GroupNorms: scale and shift
        flops = _conv_flops(side, c_in, c_out, 3) + 2 * self.time_dim * c_out
        flops += _conv_flops(side, c_out, c_out, 3)
        if c_in != c_out:
            params += _conv(c_in, c_out, 1)
            flops += _conv_flops(side, c_in, c_out, 1)
        self.flops += times * flops
        return times * params

    def attention(self, side: int, c: int, times: int = 1) -> int:
        """Self-attention over the side x side pixels, then (conditioned) cross-attention
        from them to the caption's tokens."""
        n = side * side
        params = layer_norm(c) + attention_params(c)
        flops = 2 * n * c * 4 * c + attention_flops(n, c)
        if self.cond:
            length = self.d["caption_length"]
            params += layer_norm(c) + 2 * linear(c, c) + linear(self.context, 2 * c)
            flops += 2 * n * c * 2 * c + 2 * length * self.context * 2 * c
            flops += attention_flops(n, c, length)
        self.flops += times * flops
        return times * params

    def resample(self, side: int, c: int) -> int:
        """A 3x3 conv after a stride-2 step down or a nearest x2 step up, to `side`."""
        self.flops += _conv_flops(side, c, c, 3)
        return _conv(c, c, 3)

    def run(self) -> None:
        d, blocks = self.d, self.d["num_res_blocks"]
        channels = [self.base * m for m in d["channel_mults"]]
        attend = set(d["attention_resolutions"])
        sides = [d["image_size"] // 2**i for i in range(len(channels))]
        self.layers["time_embedding"] = linear(self.base, self.time_dim)
        self.layers["time_embedding"] += linear(self.time_dim, self.time_dim)
        self.flops += 2 * self.base * self.time_dim + 2 * self.time_dim * self.time_dim
        if self.cond:
            self.layers["caption_encoder"] = caption_encoder_params(d, self.time_dim)
            self.flops += caption_encoder_flops(d, self.time_dim)
        self.layers["stem"] = _conv(d["in_channels"], channels[0], 3)
        self.flops += _conv_flops(sides[0], d["in_channels"], channels[0], 3)
        ch = channels[0]
        for i, c in enumerate(channels):  # the first block changes the channels
            params = self.res_block(sides[i], ch, c) + self.res_block(sides[i], c, c, blocks - 1)
            params += self.attention(sides[i], c, blocks) if sides[i] in attend else 0
            params += self.resample(sides[i + 1], c) if i < len(channels) - 1 else 0
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
            params += self.resample(sides[i - 1], c) if i > 0 else 0
            self.layers[f"up.{k}"] = params
            ch = c
        self.layers["head"] = layer_norm(ch) + _conv(ch, d["in_channels"], 3)
        self.flops += _conv_flops(sides[0], ch, d["in_channels"], 3)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """time_embedding, caption_encoder (conditioned only), stem, down.{i} (top level first),
    middle, up.{i} (bottom level first), head."""
    walk = _UNetWalk(dims)
    walk.run()
    return walk.layers


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One denoiser evaluation of one image."""
    walk = _UNetWalk(dims)
    walk.run()
    return walk.flops
