"""The GNN's solver grid and smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

# Message passing oversmooths past a handful of layers (Li et al. 2018): 2 to 8 layers, as
# in the GCN, GAT and GIN papers; widths from 16 (Kipf's Cora GCN) to 512.
GNN_DEPTHS = (2, 8)
SMOKE_GNN = {"hidden": 32, "n_layers": 2}


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    heads = fixed.get("heads", 1)
    for d in fine_widths(16, 512):
        if d % heads == 0:
            yield Shape(f"hidden={d}", at_depth({**fixed, "hidden": d}, "n_layers"), *GNN_DEPTHS)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """At most 2 layers of 32 (a multiple of GAT's heads); a smaller model keeps its width."""
    heads = dims.get("heads", 1)
    hidden = min(dims["hidden"], SMOKE_GNN["hidden"] - SMOKE_GNN["hidden"] % heads)
    return {**dims, "hidden": max(hidden, heads), "n_layers": SMOKE_GNN["n_layers"]}
