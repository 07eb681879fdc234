"""Standard shapes and smoke dims of the forecasters: width grids with one depth knob each
(attention blocks, recurrent layers, N-BEATS blocks). DLinear has no knob: its size is
lookback x horizon, whatever the budget.

`shapes.py` and `scales.py` import this module for their registries, so it imports `Shape`
lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth

# Where a spec gives no parameter budget.
FORECAST_DEFAULT_BUDGET = {
    "tft": 1_000_000,
    "patchtst": 1_000_000,
    "rnn_forecaster": 1_000_000,
    "dlinear": 1_000_000,
    "nbeats": 5_000_000,
}
TFT_HEADS = 4  # the paper's default
PATCHTST_MAX_HEADS = 16  # PatchTST: 16 heads of 8 at d_model 128; here 16-wide heads


def _shape(label: str, build, depth_min: int, depth_max: int):
    from metagen.blueprint.shapes import Shape

    return Shape(label, build, depth_min, depth_max)


def _widths(start: int, stop: int) -> Iterator[int]:
    """Steps of 16 up to 256, 32 up to 512, 64 beyond."""
    d = start
    while d <= stop:
        yield d
        d += 16 if d < 256 else 32 if d < 512 else 64


def tft_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    for d in _widths(16, 2048):
        base = {**fixed, "d_model": d, "n_heads": TFT_HEADS}
        yield _shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)


def patchtst_heads(d_model: int) -> int:
    return max(1, min(PATCHTST_MAX_HEADS, d_model // 16))


def patchtst_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    for d in _widths(32, 2048):
        base = {**fixed, "d_model": d, "n_heads": patchtst_heads(d), "d_ff": 2 * d}
        yield _shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 12)


def rnn_forecaster_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    for d in _widths(16, 4096):
        base = {**fixed, "d_model": d, "d_ff": d}
        yield _shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)


def dlinear_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    yield _shape("lookback x horizon", lambda depth: dict(fixed), 1, 1)


def nbeats_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    # N-BEATS-G: 30 blocks of four 512-wide layers.
    for d in _widths(32, 4096):
        base = {**fixed, "d_model": d, "n_fc": 4}
        yield _shape(f"d_model={d}", at_depth(base, "n_blocks"), 1, 30)


def smoke_tft(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 32, "n_layers": 1, "n_heads": TFT_HEADS}


def smoke_patchtst(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 64, "n_layers": 2, "n_heads": 4, "d_ff": 128}


def smoke_rnn_forecaster(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 64, "n_layers": min(dims["n_layers"], 2), "d_ff": 64}


def smoke_nbeats(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 64, "n_blocks": 3}


FORECAST_SHAPES = {
    "tft": tft_shapes,
    "patchtst": patchtst_shapes,
    "rnn_forecaster": rnn_forecaster_shapes,
    "dlinear": dlinear_shapes,
    "nbeats": nbeats_shapes,
}
FORECAST_SMOKE_DIMS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "tft": smoke_tft,
    "patchtst": smoke_patchtst,
    "rnn_forecaster": smoke_rnn_forecaster,
    "dlinear": dict,
    "nbeats": smoke_nbeats,
}
