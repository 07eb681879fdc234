"""DLinear's solver grid and smoke dims. It has no knob: its size is lookback x horizon,
whatever the budget, and its smoke dims are its dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    yield Shape("lookback x horizon", lambda depth: dict(fixed), 1, 1)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return dict(dims)
