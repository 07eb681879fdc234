"""The sequence tagger's solver grid and smoke dims: the ViT grid for the transformer encoder
(64-wide heads, 4x MLP), hidden sizes with 1-4 layers for the BiLSTM (BiLSTM-CRF taggers use
1-2 layers of 100-400 units per direction)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth


def _bilstm_grid(fixed: dict[str, Any]) -> Iterator[Shape]:
    d = 32
    while d <= 4096:
        base = {**fixed, "d_model": d, "n_heads": 1, "d_ff": d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)
        d += 32 if d < 512 else 64 if d < 1024 else 128


def _transformer_grid(fixed: dict[str, Any]) -> Iterator[Shape]:
    d = 64
    while d <= 2048:
        base = {**fixed, "d_model": d, "n_heads": max(2, d // 64), "d_ff": 4 * d}
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(1, math.ceil(d / 128)),
            max(2, d // 32),
        )
        d += 64 if d < 1024 else 128  # multiples of 64: whole 64-wide heads


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    if fixed["encoder"] == "bilstm":
        return _bilstm_grid(fixed)
    return _transformer_grid(fixed)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    if dims["encoder"] == "bilstm":
        return {**dims, "d_model": 128, "n_layers": 1}
    return {**dims, "d_model": 128, "n_layers": 2, "n_heads": 4, "d_ff": 256}
