"""The decoder LM's solver grid: widths from 128 to 16,384 with their head, KV-head and MLP
sizes; depth is the knob."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import (
    LARGE_LM_PARAMS,
    Shape,
    at_depth,
    gqa_kv_heads,
    lm_head_dim,
    swiglu_hidden,
    widths,
)
from metagen.blueprint.smoke import SMOKE_LM_HEADS, SMOKE_LM_VOCAB, SMOKE_LM_WIDTH, SMOKE_SEQ_LEN


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    large = budget >= LARGE_LM_PARAMS
    for d in widths(128, 16384, fine=True):
        n_heads = d // lm_head_dim(d)
        base = {
            **fixed,
            "d_model": d,
            "n_heads": n_heads,
            "n_kv_heads": gqa_kv_heads(n_heads) if large else n_heads,
            "d_ff": swiglu_hidden(d) if fixed["mlp"] == "swiglu" else 4 * d,
            "tie_embeddings": not large,
        }
        # Width/depth ratios seen in practice run from about 48 (deep, narrow) to 192;
        # small models go deeper (MobileLLM), down to 32.
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(2, math.ceil(d / 192)),
            max(2, d // (32 if d < 512 else 48)),
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """Two blocks of the smoke width, keeping the KV-head and MLP ratios."""
    kv_ratio = dims["n_heads"] // dims["n_kv_heads"]
    ff_ratio = dims["d_ff"] / dims["d_model"]
    return {
        **dims,
        "vocab_size": min(dims["vocab_size"], SMOKE_LM_VOCAB),
        "context_length": 4 * SMOKE_SEQ_LEN,
        "d_model": SMOKE_LM_WIDTH,
        "n_layers": 2,
        "n_heads": SMOKE_LM_HEADS,
        "n_kv_heads": max(1, SMOKE_LM_HEADS // kv_ratio),
        "d_ff": 32 * round(ff_ratio * SMOKE_LM_WIDTH / 32),
    }
