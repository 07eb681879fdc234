"""Exact parameters and forward FLOPs of the 1-D series CNN (model.py), from dims alone. Pure
Python; pooling is free."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def _conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    """A bias-free Conv1d, then BatchNorm (scale and shift)."""
    return c_in * c_out * kernel + 2 * c_out


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """stem (conv + BatchNorm), blocks.i (two of them), head."""
    w, k = dims["width"], dims["kernel_size"]
    out = {"stem": _conv_bn(dims["in_channels"], w, k)}
    out.update({f"blocks.{i}": 2 * _conv_bn(w, w, k) for i in range(dims["n_layers"])})
    out["head"] = linear(w, dims["num_outputs"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One series of seq_len steps (default series_length; "same" padding keeps every conv's
    length)."""
    t = dims["series_length"] if seq_len is None else seq_len
    w, k = dims["width"], dims["kernel_size"]
    convs = 2 * t * k * dims["in_channels"] * w + dims["n_layers"] * 2 * (2 * t * k * w * w)
    return convs + 2 * w * dims["num_outputs"]
