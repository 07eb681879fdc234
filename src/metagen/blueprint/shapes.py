"""Standard shapes per architecture: the grid the solver searches.

A shape fixes everything but one depth knob, and parameters grow by the same amount for each
unit of that knob (a transformer layer, a ResNet stage-3 block). That lets the solver find
the deepest fit for each width exactly, with two counts instead of a scan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# Where a spec gives no parameter budget: a small, common size per architecture.
DEFAULT_BUDGET = {"decoder_lm": 125_000_000, "vit": 22_000_000, "resnet": 11_700_000}

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


def _widths(start: int, stop: int, fine: bool = False) -> Iterator[int]:
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


def lm_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    large = budget >= LARGE_LM_PARAMS
    for d in _widths(128, 16384, fine=True):
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
            lambda depth, base=base: {**base, "n_layers": depth},
            max(2, math.ceil(d / 192)),
            max(2, d // (32 if d < 512 else 48)),
        )


def vit_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in _widths(128, 2048):
        if d >= 512 and d % 128:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // 64, "d_ff": 4 * d}
        # ViT-Ti (192/12) to ViT-H (1280/32): width/depth from 16 to about 96.
        yield Shape(
            f"d_model={d}",
            lambda depth, base=base: {**base, "n_layers": depth},
            max(2, math.ceil(d / 96)),
            max(2, d // 16),
        )


# (block, stage depths before and after the variable third stage, its range)
_RESNET_PATTERNS = (
    ("basic", (1, 1), (1,), 1, 8),
    ("basic", (2, 2), (2,), 2, 6),
    ("bottleneck", (3, 4), (3,), 6, 36),
    ("bottleneck", (3, 8), (3,), 37, 64),
)
_RESNET_WIDTHS = (16, 24, 32, 48, 64, 80, 96, 128)


def resnet_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for width in _RESNET_WIDTHS:
        for block, head, tail, lo, hi in _RESNET_PATTERNS:
            base = {**fixed, "block": block, "width": width}
            yield Shape(
                f"{block} width={width} layers={list(head)}+[n]+{list(tail)}",
                lambda depth, base=base, head=head, tail=tail: {
                    **base,
                    "layers": [*head, depth, *tail],
                },
                lo,
                hi,
            )


SHAPES: dict[str, Callable[[dict[str, Any], int], Iterator[Shape]]] = {
    "decoder_lm": lm_shapes,
    "vit": vit_shapes,
    "resnet": resnet_shapes,
}
