"""The CNN agent's solver grid and smoke dims. The trunk's convolutions are fixed by its
paper; the solver sizes the last linear layer (64 to 1024 units) and, for IMPALA, the
residual blocks per stage (1 to 4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth, widths

IMPALA_DEPTHS = (1, 4)
# Smoke agents see 48x48 frames through a 128-unit layer: the same trunk, a fraction of the
# convolution work, so that a few thousand environment steps train in about a minute.
SMOKE_IMAGE_SIZE = 48
SMOKE_HIDDEN = 128


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in widths(64, 1024):
        base = {**fixed, "d_hidden": d}
        if base.get("trunk") == "impala":
            yield Shape(f"d_hidden={d}", at_depth(base, "res_blocks"), *IMPALA_DEPTHS)
        else:  # the Nature trunk has no depth knob: one shape per width
            yield Shape(f"d_hidden={d}", at_depth({**base, "res_blocks": 1}), 1, 1)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {
        **dims,
        "image_size": min(dims["image_size"], SMOKE_IMAGE_SIZE),
        "d_hidden": min(dims["d_hidden"], SMOKE_HIDDEN),
        "res_blocks": 1,
    }
