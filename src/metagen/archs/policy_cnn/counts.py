"""Exact parameters and forward FLOPs of the CNN agent (model.py), from dims alone. Pure
Python; ReLU, max-pooling and the residual adds are free."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import conv_out, linear

# (out channels, kernel, stride) of the Nature DQN trunk's convolutions
NATURE_CONVS = ((32, 8, 4), (64, 4, 2), (64, 3, 1))
IMPALA_STAGES = (16, 32, 32)


def _conv(c_in: int, c_out: int, kernel: int) -> int:
    return c_in * c_out * kernel * kernel + c_out


def _nature(dims: dict[str, Any]) -> tuple[int, int]:
    """(parameters, FLOPs) of the Nature trunk."""
    c_in, side, params, flops = dims["in_channels"], dims["image_size"], 0, 0
    for c_out, kernel, stride in NATURE_CONVS:
        side = conv_out(side, kernel, stride, 0)
        params += _conv(c_in, c_out, kernel)
        flops += 2 * side * side * c_out * c_in * kernel * kernel
        c_in = c_out
    flat = c_in * side * side
    return params + linear(flat, dims["d_hidden"]), flops + 2 * flat * dims["d_hidden"]


def _impala(dims: dict[str, Any]) -> tuple[int, int]:
    """(parameters, FLOPs) of the IMPALA trunk: per stage a conv, a max-pool, residual
    blocks of two 3x3 convs."""
    c_in, side, params, flops = dims["in_channels"], dims["image_size"], 0, 0
    for c_out in IMPALA_STAGES:
        params += _conv(c_in, c_out, 3)
        flops += 2 * side * side * c_out * c_in * 9
        side = conv_out(side, 3, 2, 1)
        params += dims["res_blocks"] * 2 * _conv(c_out, c_out, 3)
        flops += dims["res_blocks"] * 2 * (2 * side * side * c_out * c_out * 9)
        c_in = c_out
    flat = c_in * side * side
    return params + linear(flat, dims["d_hidden"]), flops + 2 * flat * dims["d_hidden"]


def _trunk(dims: dict[str, Any]) -> tuple[int, int]:
    return _nature(dims) if dims["trunk"] == "nature" else _impala(dims)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """trunk, then actor and critic (actor_critic) or q_values."""
    hidden, actions = dims["d_hidden"], dims["num_actions"]
    out = {"trunk": _trunk(dims)[0]}
    if dims["head"] == "actor_critic":
        out.update(actor=linear(hidden, actions), critic=linear(hidden, 1))
    else:
        out["q_values"] = linear(hidden, actions)
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One stack of frames."""
    outputs = dims["num_actions"] + (1 if dims["head"] == "actor_critic" else 0)
    return _trunk(dims)[1] + 2 * dims["d_hidden"] * outputs
