"""Exact parameters and forward FLOPs of the two-tower model (model.py). Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """user_tower and item_tower: an ID table and n_layers square linear layers each."""
    d = dims["d_model"]
    tower = dims["n_layers"] * linear(d, d)
    return {
        "user_tower": dims["num_users"] * d + tower,
        "item_tower": dims["num_items"] * d + tower,
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One user-item pair: both towers' layers and the dot product (table lookups are free)."""
    d = dims["d_model"]
    return 2 * dims["n_layers"] * 2 * d * d + 2 * d
