"""Exact parameters and forward FLOPs of the GNN (model.py), from dims alone. Pure Python.

FLOPs are the dense matmuls that FlopCounterMode counts, for one graph of nodes_per_graph
nodes; the scatter sums along edges are additions it does not count."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def layer_widths(dims: dict[str, Any]) -> list[tuple[int, int]]:
    """(d_in, d_out) of each message-passing layer."""
    widths = [dims["in_features"]] + [dims["hidden"]] * dims["n_layers"]
    if dims["readout"] == "none":
        widths[-1] = dims["num_outputs"]
    return list(zip(widths[:-1], widths[1:], strict=True))


def conv_params(dims: dict[str, Any], d_in: int, d_out: int, last: bool) -> int:
    conv = dims["conv"]
    if conv == "gcn":
        return linear(d_in, d_out)  # a bias-free weight plus a bias
    if conv == "gin":
        return linear(d_in, d_out) + linear(d_out, d_out)
    if conv == "sage":
        return linear(d_in, d_out) + linear(d_in, d_out, bias=False)
    output = last and dims["readout"] == "none"
    heads = dims["out_heads"] if output else dims["heads"]
    per_head = d_out if output else d_out // dims["heads"]
    return d_in * heads * per_head + 2 * heads * per_head + d_out  # lin, att_src/dst, bias


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """convs.i, then pool (attention readout) and head where the model reads out graphs."""
    widths = layer_widths(dims)
    last = len(widths) - 1
    out = {f"convs.{i}": conv_params(dims, a, b, i == last) for i, (a, b) in enumerate(widths)}
    if dims["readout"] == "attention":
        out["pool"] = linear(dims["hidden"], 1)
    if dims["readout"] != "none":
        out["head"] = linear(dims["hidden"], dims["num_outputs"])
    return out


def conv_flops(dims: dict[str, Any], d_in: int, d_out: int, last: bool, nodes: int) -> int:
    conv = dims["conv"]
    if conv == "gin":
        return 2 * nodes * (d_in * d_out + d_out * d_out)
    if conv == "sage":
        return 2 * nodes * 2 * d_in * d_out
    if conv == "gat" and last and dims["readout"] == "none":
        return 2 * nodes * d_in * dims["out_heads"] * d_out
    return 2 * nodes * d_in * d_out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One graph of nodes_per_graph nodes."""
    nodes, widths = dims["nodes_per_graph"], layer_widths(dims)
    last = len(widths) - 1
    total = sum(conv_flops(dims, a, b, i == last, nodes) for i, (a, b) in enumerate(widths))
    if dims["readout"] == "attention":
        total += 2 * nodes * dims["hidden"]
    if dims["readout"] != "none":
        total += 2 * dims["hidden"] * dims["num_outputs"]
    return total
