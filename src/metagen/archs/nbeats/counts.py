"""Exact parameters, forward FLOPs and per-component costs of N-BEATS (model.py), from dims
alone; its stack of fully connected layers serves the anomaly autoencoder. Pure Python.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.dlinear.counts import restore_cost, standardize_cost
from metagen.blueprint.cost import Cost, elementwise, linear_cost, total


def fc_stack(d_in: int, width: int, n_layers: int, d_out: int) -> tuple[int, int]:
    """(weights, biases) of n_layers linears of `width` with biases, then one to d_out."""
    weights = d_in * width + (n_layers - 1) * width * width + width * d_out
    return weights, n_layers * width + d_out


def fc_stack_cost(d_in: int, width: int, n_layers: int, d_out: int) -> Cost:
    """One row through fc_stack's layers, each hidden one followed by its activation (one
    kernel: a ReLU or a GELU; dropout is off in eval)."""
    hidden = linear_cost(1, d_in, width) + (n_layers - 1) * linear_cost(1, width, width)
    return hidden + elementwise(width, n_layers) + linear_cost(1, width, d_out)


def _block_params(dims: dict[str, Any], backcast: bool) -> int:
    """One N-BEATS block: n_fc layers, a forecast head and, in all but the last block, a
    backcast head."""
    window, dm = dims["lookback"] * dims["channels"], dims["d_model"]
    weights, biases = fc_stack(window, dm, dims["n_fc"], dims["horizon"])
    return weights + biases + backcast * (dm * window + window)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """blocks.i; the last has no backcast head."""
    n = dims["n_blocks"]
    return {f"blocks.{i}": _block_params(dims, i < n - 1) for i in range(n)}


def _block_cost(window: int, dims: dict[str, Any], backcast: bool) -> Cost:
    """One block on the residual window: the ReLU stack to the forecast, and the backcast
    head where there is one."""
    stack = fc_stack_cost(window, dims["d_model"], dims["n_fc"], dims["horizon"])
    return stack + (linear_cost(1, dims["d_model"], window) if backcast else Cost())


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One window: the blocks; the forward standardizes the window, starts the forecast at
    zeros, subtracts each backcast from the residual, adds each block's forecast, and
    restores the sum."""
    lookback, c, h, n = dims["lookback"], dims["channels"], dims["horizon"], dims["n_blocks"]
    window = lookback * c
    blocks = (n - 1) * _block_cost(window, dims, True) + _block_cost(window, dims, False)
    residuals = (n - 1) * elementwise(window) + n * elementwise(h)
    forward = standardize_cost(lookback, c) + elementwise(h) + residuals + restore_cost(h)
    return {"blocks": blocks, "forward": forward}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window: 2 per weight, one row through every matrix."""
    return total(costs(dims, seq_len)).flops
