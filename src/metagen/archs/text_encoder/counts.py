"""Exact parameters, forward FLOPs and per-component costs of the text encoder (model.py), from
dims alone: the masked-LM encoder's trunk (archs/encoder_mlm/counts.py) with a linear head on
the pooled token in place of the MLM head. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.encoder_mlm import counts as encoder_mlm
from metagen.blueprint.cost import (
    Cost,
    chunked_costs,
    elementwise,
    linear_cost,
    masked_mean_cost,
    total,
)
from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """The masked-LM encoder's embeddings, blocks.i, final_norm (pre-norm) and pooler, then a
    linear head."""
    trunk = {name: n for name, n in encoder_mlm.layers(dims).items() if name != "mlm_head"}
    return {**trunk, "head": linear(dims["d_model"], dims["num_outputs"])}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One text of seq_len tokens (default context_length); the pooler runs on one token."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One text of seq_len tokens (default context_length): the trunk, the pooled vector (the
    pooler's dense + tanh on the first token; that token alone, a view; or the forward's mean
    over the tokens) and the head on it. A whole text has no padding mask; a text in chunks
    runs these on every chunk (seq_len tokens each, padded: a mask, as bool and in each
    block's attention) in the same kernels, and the head reads the chunks' mean."""
    t = dims["context_length"] if seq_len is None else seq_len
    dm, chunks = dims["d_model"], dims.get("chunks") or 1
    out = encoder_mlm.trunk_costs(dims, t)
    masked = chunks > 1
    if masked:
        out["blocks"] += dims["n_layers"] * Cost(0, 3, t)
        out["forward"] = elementwise(t)
    if dims["pooler"]:
        out["pooler"] = linear_cost(1, dm, dm) + elementwise(dm)
    elif dims["pool"] == "mean":
        mean = masked_mean_cost(t, dm) if masked else elementwise(dm)
        out["forward"] = out.get("forward", Cost()) + mean
    out["head"] = linear_cost(1, dm, dims["num_outputs"])
    return chunked_costs(out, chunks, t, dm) if masked else out
