"""Exact parameters, forward FLOPs and per-component costs of the 1-D series CNN (model.py),
from dims alone. Pure Python; pooling is free of counted FLOPs."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, conv_cost, elementwise, linear_cost, total
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


def conv_bn_cost(steps: int, kernel: int, c_in: int, c_out: int) -> Cost:
    """A "same" Conv1d over `steps` steps, then an eval-mode BatchNorm: the norm allocates an
    empty statistics buffer (one kernel writing nothing) and writes its output."""
    return conv_cost(steps, kernel, c_in, c_out) + Cost(0, 1, 0) + elementwise(steps * c_out)


def _block_cost(steps: int, width: int, kernel: int) -> Cost:
    """relu(x + norm(conv(relu(norm(conv(x)))))): two conv-norms, two ReLUs and the add."""
    return 2 * conv_bn_cost(steps, kernel, width, width) + elementwise(steps * width, 3)


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One series of seq_len steps (default series_length; "same" padding keeps every conv's
    length); the forward's ReLU after the stem and its mean over time."""
    t = dims["series_length"] if seq_len is None else seq_len
    w, k = dims["width"], dims["kernel_size"]
    return {
        "stem": conv_bn_cost(t, k, dims["in_channels"], w),
        "blocks": dims["n_layers"] * _block_cost(t, w, k),
        "head": linear_cost(1, w, dims["num_outputs"]),
        "forward": elementwise(t * w) + elementwise(w),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One series of seq_len steps (default series_length)."""
    return total(costs(dims, seq_len)).flops
