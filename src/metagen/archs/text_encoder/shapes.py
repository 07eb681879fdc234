"""The text encoder's solver grid and smoke dims: the masked-LM encoder's (BERT-tiny to
BERT-large proportions), whose trunk it shares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.encoder_mlm.shapes import grid as bert_grid
from metagen.archs.encoder_mlm.shapes import smoke_dims as bert_smoke_dims
from metagen.blueprint.shape_builds import Shape


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The BERT grid: d_model/64 heads, a 4x MLP; depth is the knob."""
    return bert_grid(fixed, budget)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    """The BERT smoke dims: two blocks of the smoke width, keeping the MLP ratio."""
    return bert_smoke_dims(dims)
