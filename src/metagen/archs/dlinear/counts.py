"""Exact parameters and forward FLOPs of DLinear (model.py), from dims alone. Pure Python.

A moving average splits the window into trend and seasonal parts (free); each goes through
one linear from the flattened window to the horizon.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """trend, seasonal: one linear each."""
    window = dims["lookback"] * dims["channels"]
    return {"trend": linear(window, dims["horizon"]), "seasonal": linear(window, dims["horizon"])}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window through both linears."""
    return 2 * 2 * dims["lookback"] * dims["channels"] * dims["horizon"]
