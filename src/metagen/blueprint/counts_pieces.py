"""Counting pieces beyond `blueprint/counting.py`'s: convolutions of any rank, the FLOPs of
linears, MLPs and attention, cross-attention, stacks of MLP layers and numbered stacks of
identical layers. Pure Python, FlopCounterMode's conventions (see counting.py).
"""

from __future__ import annotations

import math

from metagen.blueprint.counting import attention_flops, linear

Kernel = int | tuple[int, ...]  # a square 2-D kernel's side, or one size per axis


def kernel_area(kernel: Kernel) -> int:
    """Weights per input-output channel pair: side**2, or the product of the sizes."""
    return kernel * kernel if isinstance(kernel, int) else math.prod(kernel)


def conv(c_in: int, c_out: int, kernel: Kernel, bias: bool = True, groups: int = 1) -> int:
    return c_in // groups * c_out * kernel_area(kernel) + (c_out if bias else 0)


def batch_norm(channels: int) -> int:
    return 2 * channels  # scale and shift


def conv_flops(outputs: int, c_in: int, c_out: int, kernel: Kernel, groups: int = 1) -> int:
    """A conv over `outputs` output positions (input positions for a transposed conv, as
    FlopCounterMode counts it)."""
    return 2 * outputs * kernel_area(kernel) * (c_in // groups) * c_out


def linear_flops(rows: int, d_in: int, d_out: int) -> int:
    return 2 * rows * d_in * d_out


def mlp_params(d_model: int, d_ff: int, matrices: int = 2, bias: bool = True) -> int:
    """GELU (two matrices) or SwiGLU (three): matrices - 1 into d_ff, one back."""
    return (matrices - 1) * linear(d_model, d_ff, bias) + linear(d_ff, d_model, bias)


def mlp_flops(tokens: int, d_model: int, d_ff: int, matrices: int = 2) -> int:
    return matrices * linear_flops(tokens, d_model, d_ff)


def self_attention_flops(tokens: int, d_model: int, kv_dim: int | None = None) -> int:
    """Query, key, value and output projections and the attention itself (keys and values
    of `kv_dim` under GQA)."""
    kv = d_model if kv_dim is None else kv_dim
    projections = linear_flops(tokens, d_model, d_model + 2 * kv)
    projections += linear_flops(tokens, d_model, d_model)
    return projections + attention_flops(tokens, d_model)


def cross_attention_params(d_model: int, d_context: int, bias: bool = True) -> int:
    """Queries from d_model, keys and values from a context of d_context, and the output."""
    queries_out = 2 * linear(d_model, d_model, bias)
    return queries_out + linear(d_context, 2 * d_model, bias)


def cross_attention_flops(tokens: int, context: int, d_model: int, d_context: int) -> int:
    """`tokens` queries attending over `context` positions of d_context features."""
    queries_out = 2 * linear_flops(tokens, d_model, d_model)
    keys_values = linear_flops(context, d_context, 2 * d_model)
    return queries_out + keys_values + attention_flops(tokens, d_model, context)


def mlp_stack(d_in: int, width: int, n_layers: int, d_out: int) -> tuple[int, int]:
    """(weights, biases) of n_layers linears of `width` with biases, then one to d_out."""
    weights = d_in * width + (n_layers - 1) * width * width + width * d_out
    return weights, n_layers * width + d_out


def stack(prefix: str, count: int, params: int) -> dict[str, int]:
    """`count` identical layers: {prefix.0: params, prefix.1: params, ...}."""
    return {f"{prefix}.{i}": params for i in range(count)}
