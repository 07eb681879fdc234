"""The fusion network's solver grid and smoke dims: widths in steps of the spec's heads (at
least 8 dims a head), an MLP 4x wide, 1 to 4 encoder layers, up to past the fusion guide's
widest fusion_dim (768); a spec's fusion_dim fixes the width. One layer of width 32 at the
smoke scale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.tabular_mlp.shapes import fine_widths
from metagen.blueprint.shape_builds import Shape, at_depth

DEPTHS = (1, 4)
MIN_HEAD_DIM = 8
MAX_WIDTH = 1024
SMOKE_WIDTH = 32


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    heads = fixed.get("n_heads", 4)
    # A CfC encoder is one cell whatever n_layers says, and the late, hybrid, hierarchical and
    # cross-attention fusions have no layers: depth would change nothing.
    depths = (
        (1, 1) if fixed.get("encoder") == "cfc" and fixed.get("strategy") != "early" else DEPTHS
    )
    widths = [fixed["d_model"]] if "d_model" in fixed else fine_widths(32, MAX_WIDTH)
    for d in widths:
        if d % heads or d // heads < MIN_HEAD_DIM and "d_model" not in fixed:
            continue
        base = {**fixed, "d_model": d, "n_heads": heads, "d_ff": 4 * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), *depths)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    heads = dims["n_heads"]
    d = min(dims["d_model"], max(SMOKE_WIDTH // heads, 1) * heads)
    return {**dims, "d_model": d, "d_ff": 4 * d, "n_layers": 1}
