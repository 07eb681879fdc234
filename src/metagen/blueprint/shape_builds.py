"""What every arch's solver grid is made of: the Shape (one width, a range of one depth knob),
its `build` at a depth, the common hidden widths, and the head and MLP sizes of current
transformers.

A shape fixes everything but one depth knob, and parameters grow by the same amount for each
unit of that knob (a transformer layer, a ResNet stage-3 block). That lets the solver find
the deepest fit for each width exactly, with two counts instead of a scan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


def at_depth(base: dict[str, Any], *keys: str) -> Callable[[int], dict[str, Any]]:
    """`base` with each of `keys` set to the depth."""
    return lambda depth: {**base, **dict.fromkeys(keys, depth)}


def at_stage_depth(
    base: dict[str, Any], key: str, head: tuple[int, ...], tail: tuple[int, ...]
) -> Callable[[int], dict[str, Any]]:
    """`base` with `key` set to the stage depths head + [depth] + tail."""
    return lambda depth: {**base, key: [*head, depth, *tail]}


# From about this size, language models follow current large-model practice: grouped-query
# attention and untied embeddings (Llama 3, Mistral, Qwen 2).
LARGE_LM_PARAMS = 1_000_000_000


@dataclass(frozen=True)
class Shape:
    """One width with its depth range; `build(depth)` gives the full dims."""

    label: str
    build: Callable[[int], dict[str, Any]]
    depth_min: int
    depth_max: int


def widths(start: int, stop: int, fine: bool = False) -> Iterator[int]:
    """Common hidden sizes: steps of 64 up to 1024 (32 below 512 if `fine`), 128 up to 4096,
    256 beyond."""
    d = start
    while d <= stop:
        yield d
        d += 32 if fine and d < 512 else 64 if d < 1024 else 128 if d < 4096 else 256


def lm_head_dim(d_model: int) -> int:
    """64 where it divides (GPT-2, Llama 1B), 128 from 2048 (Llama 8B), 32 for tiny widths."""
    if d_model >= 2048:
        return 128
    return 64 if d_model % 64 == 0 and d_model >= 256 else 32


def swiglu_hidden(d_model: int) -> int:
    """Llama's rule: 2/3 of 4*d, rounded up to a multiple of 64 (256 from d=1024)."""
    multiple = 64 if d_model < 1024 else 256
    return multiple * math.ceil(int(8 * d_model / 3) / multiple)


def gqa_kv_heads(n_heads: int) -> int:
    """Grouped-query attention with 8 KV heads where possible (Llama 3), else a quarter."""
    for kv in (8, n_heads // 4, n_heads // 2):
        if kv >= 1 and n_heads % kv == 0 and kv < n_heads:
            return kv
    return n_heads
