"""The BERT-style encoder's solver grid: widths from 128 to 4,096, heads of 64, a 4x MLP;
depth is the knob."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth, widths


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
