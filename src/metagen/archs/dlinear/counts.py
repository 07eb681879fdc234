"""Exact parameters, forward FLOPs and per-component costs of DLinear (model.py), from dims
alone; the costs of the window standardization every forecaster runs (nn/forecast_common.py)
serve the other forecasters. Pure Python.

A moving average splits the window into trend and seasonal parts (free of counted FLOPs);
each goes through one linear from the flattened window to the horizon.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear


def standardize_cost(lookback: int, channels: int) -> Cost:
    """standardize_window on one window: the mean, the variance, its eps add and square root
    (one value per channel), then the centring and the division over the window."""
    return elementwise(channels, 4) + elementwise(lookback * channels, 2)


def restore_cost(horizon: int) -> Cost:
    """restore_forecast: the forecast times the target's std, plus its mean."""
    return elementwise(horizon, 2)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """trend, seasonal: one linear each."""
    window = dims["lookback"] * dims["channels"]
    return {"trend": linear(window, dims["horizon"]), "seasonal": linear(window, dims["horizon"])}


def _split_cost(lookback: int, channels: int, kernel_size: int) -> Cost:
    """The moving average (a replicate pad and an average pool), the seasonal rest (a
    subtraction) and the two parts side by side (a concat). With several channels each part
    is a strided slice of that concat, which flattening copies (a clone and an unsafe view
    each)."""
    window = lookback * channels
    padded = (lookback + kernel_size - 1) * channels
    copies = elementwise(window, 4) if channels > 1 else Cost()
    return elementwise(padded) + elementwise(window, 2) + elementwise(2 * window) + copies


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One window: each part through its linear; the forward standardizes, splits, adds the
    two forecasts and restores the sum."""
    lookback, c, h = dims["lookback"], dims["channels"], dims["horizon"]
    forward = (
        standardize_cost(lookback, c)
        + _split_cost(lookback, c, dims["kernel_size"])
        + elementwise(h)  # the two forecasts' sum
        + restore_cost(h)
    )
    part = linear_cost(1, lookback * c, h)
    return {"trend": part, "seasonal": part, "forward": forward}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window through both linears."""
    return total(costs(dims, seq_len)).flops
