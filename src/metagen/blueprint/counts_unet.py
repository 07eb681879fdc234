"""Exact parameters and forward FLOPs of the diffusion U-Net (`archs/unet/model.py`), from dims
alone (pure Python). FLOPs are one denoiser evaluation; sampling costs that once per sampler
step. Norms, activations, resampling and embeddings are free.
"""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    attention_params,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)
from metagen.blueprint.counts_pieces import (
    conv,
    conv_flops,
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
    self_attention_flops,
)


def caption_encoder_params(d: Dims, d_out: int) -> int:
    """The caption encoder (archs/unet, archs/video_diffusion): byte embeddings, positions,
    pre-norm blocks with a 4x MLP, a final norm and the projection of its first token."""
    width, length = d["caption_d_model"], d["caption_length"]
    embeddings = d["caption_vocab_size"] * width + length * width
    blocks = d["caption_n_layers"] * encoder_block_params(width, 4 * width)
    return embeddings + blocks + layer_norm(width) + linear(width, d_out)


def caption_encoder_flops(d: Dims, d_out: int) -> int:
    width, length = d["caption_d_model"], d["caption_length"]
    blocks = d["caption_n_layers"] * encoder_block_flops(length, width, 4 * width)
    return blocks + linear_flops(1, width, d_out)


class _UNetWalk:
    """Adds up each layer's params and FLOPs in archs/unet/model.py's order. Identical blocks of
    a level are counted once, times their number, so a count costs the same at any depth."""

    def __init__(self, d: Dims) -> None:
        self.d = d
        self.base = d["base_channels"]
        self.time_dim = 4 * self.base
        self.cond = bool(d["text_conditioning"])
        self.context = d["caption_d_model"] if self.cond else 0
        self.layers: dict[str, int] = {}
        self.flops = 0

    def res_block(self, side: int, c_in: int, c_out: int, times: int = 1) -> int:
        pixels = side * side
        params = layer_norm(c_in) + conv(c_in, c_out, 3) + linear(self.time_dim, c_out)
        params += layer_norm(c_out) + conv(c_out, c_out, 3)  # GroupNorms: scale and shift
        flops = conv_flops(pixels, c_in, c_out, 3) + linear_flops(1, self.time_dim, c_out)
        flops += conv_flops(pixels, c_out, c_out, 3)
        if c_in != c_out:
            params += conv(c_in, c_out, 1)
            flops += conv_flops(pixels, c_in, c_out, 1)
        self.flops += times * flops
        return times * params

    def attention(self, side: int, c: int, times: int = 1) -> int:
        n = side * side
        params = layer_norm(c) + attention_params(c)
        flops = self_attention_flops(n, c)
        if self.cond:
            params += layer_norm(c) + cross_attention_params(c, self.context)
            flops += cross_attention_flops(n, self.d["caption_length"], c, self.context)
        self.flops += times * flops
        return times * params

    def resample(self, side: int, c: int) -> int:
        """A 3x3 conv after a stride-2 step down or a nearest x2 step up, at `side`."""
        self.flops += conv_flops(side * side, c, c, 3)
        return conv(c, c, 3)

    def run(self) -> None:
        d, blocks = self.d, self.d["num_res_blocks"]
        channels = [self.base * m for m in d["channel_mults"]]
        attend = set(d["attention_resolutions"])
        sides = [d["image_size"] // 2**i for i in range(len(channels))]
        self.layers["time_embedding"] = linear(self.base, self.time_dim)
        self.layers["time_embedding"] += linear(self.time_dim, self.time_dim)
        self.flops += linear_flops(1, self.base, self.time_dim)
        self.flops += linear_flops(1, self.time_dim, self.time_dim)
        if self.cond:
            self.layers["caption_encoder"] = caption_encoder_params(d, self.time_dim)
            self.flops += caption_encoder_flops(d, self.time_dim)
        self.layers["stem"] = conv(d["in_channels"], channels[0], 3)
        self.flops += conv_flops(sides[0] ** 2, d["in_channels"], channels[0], 3)
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
        self.layers["head"] = layer_norm(ch) + conv(ch, d["in_channels"], 3)
        self.flops += conv_flops(sides[0] ** 2, ch, d["in_channels"], 3)


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
