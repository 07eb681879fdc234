"""A Shape's `build`: the full dims at one value of its depth knob.

Its own module, imported at the top of every `shapes_*.py`, because those cannot import
`shapes.py` at load time (it imports them for its registry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def at_depth(base: dict[str, Any], *keys: str) -> Callable[[int], dict[str, Any]]:
    """`base` with each of `keys` set to the depth."""
    return lambda depth: {**base, **dict.fromkeys(keys, depth)}


def at_stage_depth(
    base: dict[str, Any], key: str, head: tuple[int, ...], tail: tuple[int, ...]
) -> Callable[[int], dict[str, Any]]:
    """`base` with `key` set to the stage depths head + [depth] + tail."""
    return lambda depth: {**base, key: [*head, depth, *tail]}
