"""Exact parameters and forward FLOPs of PatchTST (model.py), from dims alone. Pure Python.

The lookback is cut into patches of patch_len every `stride` steps, each embedded by one
linear over all channels, then encoder blocks (blueprint/counting.py's) over the patches and
a linear head from all patch tokens to the horizon.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)


def patches(dims: dict[str, Any]) -> int:
    """Patches per window, after padding its end with `stride` copies of the last step."""
    return (dims["lookback"] + dims["stride"] - dims["patch_len"]) // dims["stride"] + 1


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """patch_embedding (the linear and the position table), blocks.i, final_norm, head."""
    dm, n = dims["d_model"], patches(dims)
    out = {"patch_embedding": linear(dims["patch_len"] * dims["channels"], dm) + n * dm}
    block = encoder_block_params(dm, dims["d_ff"])
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["head"] = linear(n * dm, dims["horizon"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window."""
    dm, n = dims["d_model"], patches(dims)
    embed = 2 * n * dims["patch_len"] * dims["channels"] * dm
    blocks = dims["n_layers"] * encoder_block_flops(n, dm, dims["d_ff"])
    return embed + blocks + 2 * n * dm * dims["horizon"]
