"""Exact parameters, forward FLOPs and per-component costs of the two-tower model (model.py).
Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """user_tower and item_tower: an ID table and n_layers square linear layers each."""
    d = dims["d_model"]
    tower = dims["n_layers"] * linear(d, d)
    return {
        "user_tower": dims["num_users"] * d + tower,
        "item_tower": dims["num_items"] * d + tower,
    }


def _tower_cost(d: int, n_layers: int) -> Cost:
    """One ID: the table lookup (a gather, no counted FLOP), then x + ReLU(W x + b) per layer."""
    layer = linear_cost(1, d, d) + elementwise(d, 2)  # the ReLU and the residual add
    return elementwise(d) + n_layers * layer


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One user-item pair: both towers, then the forward stacks their vectors and scores the
    pair with one dot product (a 1x1 matmul)."""
    d, n = dims["d_model"], dims["n_layers"]
    return {
        "user_tower": _tower_cost(d, n),
        "item_tower": _tower_cost(d, n),
        "forward": elementwise(2 * d) + Cost(2 * d, 1, 1),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One user-item pair: both towers' layers and the dot product (table lookups are free)."""
    return total(costs(dims, seq_len)).flops
