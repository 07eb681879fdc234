"""Exact parameters and forward FLOPs of the diffusion U-Net (model.py), from dims alone; its
caption encoder's counts serve video_diffusion too. Pure Python.

FLOPs are one denoiser evaluation (sampling costs that once per sampler step) and follow
FlopCounterMode: 2*m*n*k per matmul, 2 * output pixels * kernel area * c_in * c_out per
conv, 4 * T_q * T_k * d per attention call; norms (GroupNorm: a scale and a shift per
channel), activations, resampling and embeddings are free. Costs (kernels, activations)
follow the ops the batch-1 forward dispatches (blueprint/cost.py).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    conv_cost,
    elementwise,
    encoder_block_cost,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
    attention_params,
    encoder_block_params,
    layer_norm,
    linear,
)


def _conv(c_in: int, c_out: int, kernel: int) -> int:
    """A conv with bias: a linear over each c_in x kernel x kernel window."""
    return linear(c_in * kernel * kernel, c_out)


def caption_encoder_params(d: dict[str, Any], d_out: int) -> int:
    """The caption encoder: byte embeddings, positions, pre-norm blocks with a 4x MLP, a final
    norm and the projection of its pooled token to d_out."""
    width, length = d["caption_d_model"], d["caption_length"]
    embeddings = d["caption_vocab_size"] * width + length * width
    blocks = d["caption_n_layers"] * encoder_block_params(width, 4 * width)
    return embeddings + blocks + layer_norm(width) + linear(width, d_out)


def caption_encoder_cost(d: dict[str, Any], d_out: int) -> Cost:
    """CaptionEncoder over caption_length tokens: the embedding and the position add, pre-norm
    encoder blocks with a 4x MLP, the final LayerNorm, and the first token's projection to
    d_out."""
    width, length = d["caption_d_model"], d["caption_length"]
    block = encoder_block_cost(length, width, 4 * width, d["caption_n_heads"])
    embedded = elementwise(length * width, 2)
    final = layer_norm_cost(length, width) + linear_cost(1, width, d_out)
    return embedded + d["caption_n_layers"] * block + final


def timestep_embedding_cost(features: int, time_dim: int) -> Cost:
    """TimestepEmbedding of one timestep: the sinusoid's frequencies (an arange, scaled,
    divided, exponentiated), the timestep in float, its products with them, cos, sin and their
    concat; then Linear, SiLU, Linear."""
    half = features // 2
    sinusoid = elementwise(half, 4) + elementwise(1) + elementwise(half, 3) + elementwise(features)
    mlp = linear_cost(1, features, time_dim) + elementwise(time_dim)
    return sinusoid + mlp + linear_cost(1, time_dim, time_dim)


def group_norm_cost(pixels: int, channels: int, groups: int) -> Cost:
    """One GroupNorm: its output, and the mean and inverse std it keeps per group."""
    return Cost(0, 1, pixels * channels + 2 * groups)


class _UNetWalk:
    """Adds up each layer's params, and each component's cost, in model.py's order. Identical
    blocks of a level are counted once, times their number, so a count costs the same at any
    depth."""

    def __init__(self, d: dict[str, Any], with_costs: bool = True) -> None:
        self.d = d
        # the solver counts params of many shapes: the costs it does not read are skipped
        self.with_costs = with_costs
        self.base = d["base_channels"]
        self.time_dim = 4 * self.base
        self.groups = d["norm_groups"]
        self.cond = bool(d["text_conditioning"])
        self.context = d["caption_d_model"] if self.cond else 0
        self.layers: dict[str, int] = {}
        self.costs: dict[str, Cost] = {}

    def add(self, layer: str, params: int, cost: Cost) -> None:
        """Records a layer's params, and its cost under its component."""
        self.layers[layer] = params
        component = layer.split(".")[0]
        self.costs[component] = self.costs.get(component, Cost()) + cost

    def res_block(self, side: int, c_in: int, c_out: int, times: int = 1) -> tuple[int, Cost]:
        """UNetResBlock: GroupNorm, SiLU and the 3x3 conv; the timestep's SiLU, projection and
        add; GroupNorm, SiLU and the 3x3 conv; the 1x1 skip conv where the channels change,
        and the residual add."""
        n = side * side
        params = layer_norm(c_in) + _conv(c_in, c_out, 3) + linear(self.time_dim, c_out)
        params += layer_norm(c_out) + _conv(c_out, c_out, 3)  # GroupNorms: scale and shift
        params += _conv(c_in, c_out, 1) if c_in != c_out else 0
        if not self.with_costs:
            return times * params, Cost()
        cost = group_norm_cost(n, c_in, self.groups) + elementwise(n * c_in)
        cost += conv_cost(n, 9, c_in, c_out)
        timestep = elementwise(self.time_dim) + linear_cost(1, self.time_dim, c_out)
        cost += timestep + elementwise(n * c_out)
        cost += group_norm_cost(n, c_out, self.groups) + elementwise(n * c_out)
        cost += conv_cost(n, 9, c_out, c_out)
        if c_in != c_out:
            cost += conv_cost(n, 1, c_in, c_out)
        return times * params, times * (cost + elementwise(n * c_out))

    def attention(self, side: int, c: int, times: int = 1) -> tuple[int, Cost]:
        """UNetAttention: self-attention over the side x side pixels (its qkv Linear reads
        the GroupNorm's channels-first map, so it runs as an mm, a copy back to 3-D and a
        bias add), then (conditioned) cross-attention from them to the caption's tokens; each
        a residual add."""
        n, heads = side * side, c // self.d["head_channels"]
        params = layer_norm(c) + attention_params(c)
        if self.cond:
            params += layer_norm(c) + 2 * linear(c, c) + linear(self.context, 2 * c)
        if not self.with_costs:
            return times * params, Cost()
        qkv = linear_cost(n, c, 3 * c) + elementwise(n * 3 * c, 2)
        cost = group_norm_cost(n, c, self.groups) + qkv + attention_cost(n, c, heads)
        cost += linear_cost(n, c, c) + elementwise(n * c)
        if self.cond:
            length = self.d["caption_length"]
            cost += layer_norm_cost(n, c) + linear_cost(n, c, c)
            cost += linear_cost(length, self.context, 2 * c)
            cost += attention_cost(n, c, heads, length) + linear_cost(n, c, c)
            cost += elementwise(n * c)
        return times * params, times * cost

    def resample(self, side: int, c: int, up: bool) -> tuple[int, Cost]:
        """A 3x3 conv after a stride-2 step down or a nearest x2 step up (a kernel of its
        own), to `side`."""
        n = side * side
        upsample = elementwise(n * c) if up else Cost()
        return _conv(c, c, 3), upsample + conv_cost(n, 9, c, c)

    def run(self) -> None:
        d, blocks = self.d, self.d["num_res_blocks"]
        channels = [self.base * m for m in d["channel_mults"]]
        attend = set(d["attention_resolutions"])
        sides = [d["image_size"] // 2**i for i in range(len(channels))]
        forward = Cost()
        time_params = linear(self.base, self.time_dim) + linear(self.time_dim, self.time_dim)
        self.add("time_embedding", time_params, timestep_embedding_cost(self.base, self.time_dim))
        if self.cond:
            caption = caption_encoder_cost(d, self.time_dim)
            self.add("caption_encoder", caption_encoder_params(d, self.time_dim), caption)
            forward += elementwise(self.time_dim)  # the pooled caption added to the timestep's
        stem = conv_cost(sides[0] ** 2, 9, d["in_channels"], channels[0])
        self.add("stem", _conv(d["in_channels"], channels[0], 3), stem)
        ch = channels[0]
        for i, c in enumerate(channels):  # the first block changes the channels
            parts = [self.res_block(sides[i], ch, c), self.res_block(sides[i], c, c, blocks - 1)]
            parts += [self.attention(sides[i], c, blocks)] if sides[i] in attend else []
            parts += [self.resample(sides[i + 1], c, False)] if i < len(channels) - 1 else []
            self.add(f"down.{i}", *_summed(parts))
            ch = c
        middle = [self.res_block(sides[-1], ch, ch, 2), self.attention(sides[-1], ch)]
        self.add("middle", *_summed(middle))
        # Up level i reads `blocks` skips of c_i, then one of the level above (the stem's for 0);
        # the forward concats each skip to the block's input.
        for k, i in enumerate(reversed(range(len(channels)))):
            c, above, n = channels[i], channels[max(i - 1, 0)], sides[i] ** 2
            parts = [self.res_block(sides[i], ch + c, c)]
            parts += [self.res_block(sides[i], 2 * c, c, blocks - 1)]
            parts += [self.res_block(sides[i], c + above, c)]
            parts += [self.attention(sides[i], c, blocks + 1)] if sides[i] in attend else []
            parts += [self.resample(sides[i - 1], c, True)] if i > 0 else []
            self.add(f"up.{k}", *_summed(parts))
            forward += elementwise(n * (ch + c)) + elementwise(n * (c + above))
            forward += (blocks - 1) * elementwise(n * 2 * c)
            ch = c
        n = sides[0] ** 2
        head = group_norm_cost(n, ch, self.groups) + elementwise(n * ch)
        head += conv_cost(n, 9, ch, d["in_channels"])
        self.add("head", layer_norm(ch) + _conv(ch, d["in_channels"], 3), head)
        self.costs["forward"] = forward


def _summed(parts: list[tuple[int, Cost]]) -> tuple[int, Cost]:
    """The params and the cost of a layer's parts."""
    return sum(p for p, _ in parts), sum((c for _, c in parts), Cost())


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """time_embedding, caption_encoder (conditioned only), stem, down.{i} (top level first),
    middle, up.{i} (bottom level first), head."""
    walk = _UNetWalk(dims, with_costs=False)
    walk.run()
    return walk.layers


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One denoiser evaluation of one image."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One denoiser evaluation of one image. The forward adds the caption's pooled vector to
    the timestep embedding (conditioned) and concats each skip to the up blocks' inputs."""
    walk = _UNetWalk(dims)
    walk.run()
    return walk.costs
