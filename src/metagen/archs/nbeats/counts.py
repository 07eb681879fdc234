"""Exact parameters and forward FLOPs of N-BEATS (model.py), from dims alone; its stack of
fully connected layers serves the anomaly autoencoder. Pure Python.
"""

from __future__ import annotations

from typing import Any


def fc_stack(d_in: int, width: int, n_layers: int, d_out: int) -> tuple[int, int]:
    """(weights, biases) of n_layers linears of `width` with biases, then one to d_out."""
    weights = d_in * width + (n_layers - 1) * width * width + width * d_out
    return weights, n_layers * width + d_out


def _block(dims: dict[str, Any], backcast: bool) -> tuple[int, int]:
    """(params, FLOPs) of one N-BEATS block: n_fc layers, a forecast head and, in all but the
    last block, a backcast head."""
    window, dm = dims["lookback"] * dims["channels"], dims["d_model"]
    weights, biases = fc_stack(window, dm, dims["n_fc"], dims["horizon"])
    weights, biases = weights + backcast * dm * window, biases + backcast * window
    return weights + biases, 2 * weights


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """blocks.i; the last has no backcast head."""
    n = dims["n_blocks"]
    return {f"blocks.{i}": _block(dims, i < n - 1)[0] for i in range(n)}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window: 2 per weight, one row through every matrix."""
    n = dims["n_blocks"]
    return (n - 1) * _block(dims, True)[1] + _block(dims, False)[1]
