"""The BERT-style encoder's solver grid: widths from 128 to 4,096, heads of 64, a 4x MLP;
depth is the knob."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth, widths
from metagen.blueprint.smoke import SMOKE_LM_HEADS, SMOKE_LM_VOCAB, SMOKE_LM_WIDTH, SMOKE_SEQ_LEN


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in widths(128, 4096):
        base = {**fixed, "d_model": d, "n_heads": d // 64, "d_ff": 4 * d}
        # BERT-tiny (128/2), mini (256/4), small (512/4), base (768/12), large (1024/24):
        # width/depth from about 32 to 128.
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(2, math.ceil(d / 128)),
            max(2, d // 32),
        )


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """Two blocks of the smoke width, keeping the MLP ratio."""
    ff_ratio = dims["d_ff"] / dims["d_model"]
    return {
        **dims,
        "vocab_size": min(dims["vocab_size"], SMOKE_LM_VOCAB),
        "context_length": min(dims["context_length"], 4 * SMOKE_SEQ_LEN),
        "d_model": SMOKE_LM_WIDTH,
        "n_layers": 2,
        "n_heads": SMOKE_LM_HEADS,
        "d_ff": 32 * round(ff_ratio * SMOKE_LM_WIDTH / 32),
    }
