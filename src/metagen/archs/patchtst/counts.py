"""Exact parameters, forward FLOPs and per-component costs of PatchTST (model.py), from dims
alone. Pure Python.

The lookback is cut into patches of patch_len every `stride` steps, each embedded by one
linear over all channels, then encoder blocks (blueprint/counting.py's) over the patches and
a linear head from all patch tokens to the horizon.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.dlinear.counts import restore_cost, standardize_cost
from metagen.blueprint.cost import (
    Cost,
    elementwise,
    encoder_block_cost,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import encoder_block_params, layer_norm, linear


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


def _patch_embedding_cost(dims: dict[str, Any], n: int) -> Cost:
    """The replicate pad, the patch linear and the position add. With several channels the
    (patch, channel) flatten copies the unfolded patches (a clone and an unsafe view) and the
    linear is one addmm. One channel flattens for free, but overlapping patches stay strided,
    so the linear runs as a matmul: an mm, an unsafe view back to 3-D and the bias add."""
    dm, c, p = dims["d_model"], dims["channels"], dims["patch_len"]
    pad = elementwise((dims["lookback"] + dims["stride"]) * c)
    proj = linear_cost(n, p * c, dm)
    if c > 1:
        proj += elementwise(n * p * c, 2)
    elif dims["stride"] != p and n > 1:
        proj += elementwise(n * dm, 2)
    return pad + proj + elementwise(n * dm)


def _block_cost(n: int, dims: dict[str, Any]) -> Cost:
    """One pre-norm encoder block over the n patches, its two LayerNorms also writing each
    token's mean and inverse std."""
    dm = dims["d_model"]
    norm_statistics = Cost(0, 0, 2 * 2 * n)
    return encoder_block_cost(n, dm, dims["d_ff"], dims["n_heads"]) + norm_statistics


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One window: the patch embedding, the blocks, the final norm and the head on all patch
    tokens (flattening them is a view); the forward standardizes the window and restores the
    forecast."""
    dm, n = dims["d_model"], patches(dims)
    return {
        "patch_embedding": _patch_embedding_cost(dims, n),
        "blocks": dims["n_layers"] * _block_cost(n, dims),
        "final_norm": layer_norm_cost(n, dm),
        "head": linear_cost(1, n * dm, dims["horizon"]),
        "forward": standardize_cost(dims["lookback"], dims["channels"])
        + restore_cost(dims["horizon"]),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window."""
    return total(costs(dims, seq_len)).flops
