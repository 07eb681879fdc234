"""The transformer world model's solver grid and smoke dims: the transformer policy's grid
(TWM's and IRIS's dynamics transformers are a few layers deep too), wider at the smoke scale."""

from __future__ import annotations

from typing import Any

from metagen.archs.policy_transformer.shapes import grid, one_layer_at_most

__all__ = ["grid", "smoke_dims"]
SMOKE_WIDTH = 64  # the dynamics of a 32-value latent and its action, in one layer


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return one_layer_at_most(dims, SMOKE_WIDTH)
