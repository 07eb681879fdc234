"""Exact parameters, forward FLOPs and per-component costs of the CNN agent (model.py), from
dims alone. Pure Python; ReLU, max-pooling and the residual adds count no FLOP."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, conv_cost, elementwise, linear_cost, total
from metagen.blueprint.counting import conv_out, linear

# (out channels, kernel, stride) of the Nature DQN trunk's convolutions
NATURE_CONVS = ((32, 8, 4), (64, 4, 2), (64, 3, 1))
IMPALA_STAGES = (16, 32, 32)
RESIDUAL_ELEMENTWISE = 3  # an IMPALA residual block: two ReLUs and the add
SCALE_KERNELS = 2  # the forward's obs.float() / 255 on uint8 pixels: a copy and a divide


def _conv(c_in: int, c_out: int, kernel: int) -> int:
    return c_in * c_out * kernel * kernel + c_out


def _nature_params(dims: dict[str, Any]) -> int:
    c_in, side, params = dims["in_channels"], dims["image_size"], 0
    for c_out, kernel, stride in NATURE_CONVS:
        side = conv_out(side, kernel, stride, 0)
        params += _conv(c_in, c_out, kernel)
        c_in = c_out
    return params + linear(c_in * side * side, dims["d_hidden"])


def _impala_params(dims: dict[str, Any]) -> int:
    """Per stage a conv and residual blocks of two 3x3 convs, then the linear layer."""
    c_in, side, params = dims["in_channels"], dims["image_size"], 0
    for c_out in IMPALA_STAGES:
        params += _conv(c_in, c_out, 3) + dims["res_blocks"] * 2 * _conv(c_out, c_out, 3)
        side = conv_out(side, 3, 2, 1)
        c_in = c_out
    return params + linear(c_in * side * side, dims["d_hidden"])


def _nature_cost(dims: dict[str, Any]) -> Cost:
    """Three convs, each with its ReLU, then the ReLU linear layer on the flattened map."""
    c_in, side, cost = dims["in_channels"], dims["image_size"], Cost()
    for c_out, kernel, stride in NATURE_CONVS:
        side = conv_out(side, kernel, stride, 0)
        cost += conv_cost(side * side, kernel * kernel, c_in, c_out)
        cost += elementwise(side * side * c_out)
        c_in = c_out
    flat = c_in * side * side
    return cost + linear_cost(1, flat, dims["d_hidden"]) + elementwise(dims["d_hidden"])


def _impala_cost(dims: dict[str, Any]) -> Cost:
    """Per stage a conv, a max-pool (its values and indices), residual blocks (two convs,
    two ReLUs, an add); then a ReLU on the flattened map and the ReLU linear layer."""
    c_in, side, cost = dims["in_channels"], dims["image_size"], Cost()
    for c_out in IMPALA_STAGES:
        cost += conv_cost(side * side, 9, c_in, c_out)
        side = conv_out(side, 3, 2, 1)
        feature_map = side * side * c_out
        cost += Cost(0, 1, 2 * feature_map)  # max-pool
        residual = 2 * conv_cost(side * side, 9, c_out, c_out)
        residual += elementwise(feature_map, RESIDUAL_ELEMENTWISE)
        cost += dims["res_blocks"] * residual
        c_in = c_out
    flat = c_in * side * side
    linear_layer = linear_cost(1, flat, dims["d_hidden"]) + elementwise(dims["d_hidden"])
    return cost + elementwise(flat) + linear_layer


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """trunk, then actor and critic (actor_critic) or q_values."""
    hidden, actions = dims["d_hidden"], dims["num_actions"]
    trunk = _nature_params(dims) if dims["trunk"] == "nature" else _impala_params(dims)
    out = {"trunk": trunk}
    if dims["head"] == "actor_critic":
        out.update(actor=linear(hidden, actions), critic=linear(hidden, 1))
    else:
        out["q_values"] = linear(hidden, actions)
    return out


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One stack of frames: the forward scales the uint8 pixels, then the trunk and the
    heads."""
    hidden, actions = dims["d_hidden"], dims["num_actions"]
    pixels = dims["in_channels"] * dims["image_size"] ** 2
    trunk = _nature_cost(dims) if dims["trunk"] == "nature" else _impala_cost(dims)
    out = {"trunk": trunk, "forward": elementwise(pixels, SCALE_KERNELS)}
    if dims["head"] == "actor_critic":
        out.update(actor=linear_cost(1, hidden, actions), critic=linear_cost(1, hidden, 1))
    else:
        out["q_values"] = linear_cost(1, hidden, actions)
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One stack of frames (costs')."""
    return total(costs(dims, seq_len)).flops
