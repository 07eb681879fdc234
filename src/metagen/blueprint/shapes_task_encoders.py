"""Standard shapes and smoke dims of the task encoders: the tabular MLP, the text encoder with
a pooled head, and the 1-D series CNN.

`shapes.py` and `scales.py` import this module for their registries, so it imports them
lazily.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth

# Gorishniy et al. (2021) tune the tabular ResNet over 1 to 8 blocks of width 64 to 512 with
# a hidden factor of 1 to 4; the grid keeps 2x and runs the widths from 32 to 1024.
TABULAR_DEPTHS = (2, 8)
TABULAR_FF_RATIO = 2
# Wang et al. (2017) use 64 and 128 filters; narrower ones serve small budgets.
SERIES_DEPTHS = (2, 8)


def fine_widths(start: int, stop: int) -> list[int]:
    """Steps of 8 to 256, of 16 to 512, then of 32: small models have small budgets, and a
    one-knob depth grid needs close widths to land within 10% of any budget."""
    widths, d = [], start
    while d <= stop:
        widths.append(d)
        d += 8 if d < 256 else 16 if d < 512 else 32
    return widths


SMOKE_TABULAR = {"d_model": 64, "n_layers": 2, "d_ff": 128}
SMOKE_SERIES = {"width": 32, "n_layers": 2}
# Smoke series are this long: the synthetic shapes need a few periods to tell apart.
SMOKE_SERIES_LENGTH = 64


def tabular_mlp_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape

    for d in fine_widths(32, 1024):
        base = {**fixed, "d_model": d, "d_ff": TABULAR_FF_RATIO * d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), *TABULAR_DEPTHS)


def text_encoder_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    """The masked-LM encoder's grid (BERT-tiny to BERT-large proportions)."""
    from metagen.blueprint.shapes import encoder_mlm_shapes

    yield from encoder_mlm_shapes(fixed, budget)


def series_cnn_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Any]:
    from metagen.blueprint.shapes import Shape

    for width in fine_widths(16, 512):
        base = {**fixed, "width": width}
        yield Shape(f"width={width}", at_depth(base, "n_layers"), *SERIES_DEPTHS)


def smoke_tabular_mlp(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, **SMOKE_TABULAR}


def smoke_text_encoder(dims: dict[str, Any]) -> dict[str, Any]:
    from metagen.blueprint.scales import smoke_encoder_mlm

    return smoke_encoder_mlm(dims)


def smoke_series_cnn(dims: dict[str, Any]) -> dict[str, Any]:
    return {
        **dims,
        **SMOKE_SERIES,
        "series_length": min(dims["series_length"], SMOKE_SERIES_LENGTH),
    }


# The registries' entries, spread into shapes.SHAPES / DEFAULT_BUDGET and scales.SMOKE_DIMS.
TASK_ENCODER_SHAPES = {
    "tabular_mlp": tabular_mlp_shapes,
    "text_encoder": text_encoder_shapes,
    "series_cnn": series_cnn_shapes,
}
TASK_ENCODER_DEFAULT_BUDGET = {
    "tabular_mlp": 500_000,  # tabular data is small: a few blocks of a few hundred units
    "text_encoder": 110_000_000,  # BERT-base
    "series_cnn": 300_000,  # Wang et al. 2017: three blocks of 64 to 128 filters
}
TASK_ENCODER_SMOKE_DIMS = {
    "tabular_mlp": smoke_tabular_mlp,
    "text_encoder": smoke_text_encoder,
    "series_cnn": smoke_series_cnn,
}
