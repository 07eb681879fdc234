"""Exact parameters, forward FLOPs and per-component costs of the tabular MLP (model.py), from
dims alone; its LayerNorm cost serves the other forecasters and encoders. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, elementwise, layer_norm_cost, linear_cost, total
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


def _block_cost(d_model: int, d_ff: int) -> Cost:
    """x + MLP(LayerNorm(x)) on one row: the norm, two linears around a GELU, the add."""
    return (
        layer_norm_cost(1, d_model)
        + linear_cost(1, d_model, d_ff)
        + elementwise(d_ff)  # GELU
        + linear_cost(1, d_ff, d_model)
        + elementwise(d_model)  # the residual add
    )


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One row through the stem, the blocks, the final norm and the head."""
    dm = dims["d_model"]
    return {
        "stem": linear_cost(1, dims["num_features"], dm),
        "blocks": dims["n_layers"] * _block_cost(dm, dims["d_ff"]),
        "final_norm": layer_norm_cost(1, dm),
        "head": linear_cost(1, dm, dims["num_outputs"]),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One row."""
    return total(costs(dims, seq_len)).flops
