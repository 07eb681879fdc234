"""Exact parameters and forward FLOPs of the tabular MLP (model.py), from dims alone. Pure
Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import gelu_mlp_params, layer_norm, linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """stem, blocks.i (LayerNorm and a two-matrix GELU MLP), final_norm, head."""
    dm = dims["d_model"]
    out = {"stem": linear(dims["num_features"], dm)}
    block = layer_norm(dm) + gelu_mlp_params(dm, dims["d_ff"])
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["head"] = linear(dm, dims["num_outputs"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One row."""
    dm, ff = dims["d_model"], dims["d_ff"]
    blocks = dims["n_layers"] * 2 * 2 * dm * ff
    return 2 * dims["num_features"] * dm + blocks + 2 * dm * dims["num_outputs"]
