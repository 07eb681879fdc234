"""Standard shapes and smoke dims of the sequence tagger: the ViT grid for the transformer
encoder (64-wide heads, 4x MLP), hidden sizes with 1-4 layers for the BiLSTM (BiLSTM-CRF
taggers use 1-2 layers of 100-400 units per direction).

`shapes.py` and `scales.py` import this module for their registries, so it imports `Shape`
lazily.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth

TAGGER_DEFAULT_BUDGET = {"sequence_tagger": 10_000_000}


def sequence_tagger_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    from metagen.blueprint.shapes import Shape

    if fixed["encoder"] == "bilstm":
        d = 32
        while d <= 4096:
            base = {**fixed, "d_model": d, "n_heads": 1, "d_ff": d}
            yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)
            d += 32 if d < 512 else 64 if d < 1024 else 128
        return
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


def smoke_sequence_tagger(dims: dict[str, Any]) -> dict[str, Any]:
    if dims["encoder"] == "bilstm":
        return {**dims, "d_model": 128, "n_layers": 1}
    return {**dims, "d_model": 128, "n_layers": 2, "n_heads": 4, "d_ff": 256}
