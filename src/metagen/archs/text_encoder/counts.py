"""Exact parameters and forward FLOPs of the text encoder (model.py), from dims alone: the
masked-LM encoder's trunk (archs/encoder_mlm/counts.py) with a linear head on the pooled
token in place of the MLM head. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.encoder_mlm import counts as encoder_mlm
from metagen.blueprint.counting import encoder_block_flops, linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """The masked-LM encoder's embeddings, blocks.i, final_norm (pre-norm) and pooler, then a
    linear head."""
    trunk = {name: n for name, n in encoder_mlm.layers(dims).items() if name != "mlm_head"}
    return {**trunk, "head": linear(dims["d_model"], dims["num_outputs"])}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One text of seq_len tokens (default context_length); the pooler runs on one token."""
    t = dims["context_length"] if seq_len is None else seq_len
    dm = dims["d_model"]
    blocks = dims["n_layers"] * encoder_block_flops(t, dm, dims["d_ff"])
    pooler = 2 * dm * dm if dims["pooler"] else 0
    return blocks + pooler + 2 * dm * dims["num_outputs"]
