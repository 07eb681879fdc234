"""Exact parameters, forward FLOPs and per-component costs of the GNN (model.py), from dims
alone. Pure Python.

FLOPs are the dense matmuls that FlopCounterMode counts, for one graph of nodes_per_graph
nodes; the scatter sums along edges are additions it does not count. Kernels and activations
also depend on the edges, which dims do not hold: they assume the example graph's."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear

EXAMPLE_EDGES_PER_NODE = 4  # the example graph's ring and chords, each both ways
EXAMPLE_SELF_LOOP_CHORDS = 1  # n chords, each from a node to itself with chance 1/n


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


def example_edges(nodes: int) -> tuple[int, int]:
    """(edges, edges that are not self-loops) of the example graph the costs assume (the
    config's example_inputs): a ring and as many random chords, both ways; a chord joins a
    node to itself once per graph on average. Real graphs' edge counts are data, not dims."""
    edges = EXAMPLE_EDGES_PER_NODE * nodes
    return edges, max(edges - 2 * EXAMPLE_SELF_LOOP_CHORDS, 0)


def _sum_at_cost(rows: int, width: int) -> Cost:
    """sum_at into `rows` rows of `width`: the zeros and the scatter-add."""
    return elementwise(rows * width, 2)


def _softmax_at_cost(entries: int, groups: int, width: int) -> Cost:
    """softmax_at of `entries` scores of `width` over `groups`: the per-group max (a fill and
    a scatter-reduce), its gather, the shift and exp, the per-group sum and its gather, and
    the division."""
    return (
        elementwise(groups * width, 2)
        + elementwise(entries * width, 3)
        + _sum_at_cost(groups, width)
        + elementwise(entries * width, 2)
    )


def _self_loops_cost(nodes: int, edges: int, kept: int) -> Cost:
    """add_self_loops: the not-a-loop mask, the loops' arange, the kept edges and the concat."""
    return (
        elementwise(edges)
        + elementwise(nodes)
        + elementwise(2 * kept)
        + elementwise(2 * (kept + nodes))
    )


def _gcn_cost(nodes: int, d_in: int, d_out: int) -> Cost:
    """A GCN layer: self-loops, the target degrees (ones, summed) and their inverse square
    roots, each edge's norm (two gathers, a product), the bias-free linear, the messages (a
    gather and a scaling), their sum at the targets and the bias add."""
    edges, kept = example_edges(nodes)
    looped = kept + nodes
    degrees = elementwise(looped) + _sum_at_cost(nodes, 1) + elementwise(nodes)
    norm = degrees + elementwise(looped, 3)
    messages = elementwise(looped * d_out, 2) + _sum_at_cost(nodes, d_out)
    return (
        _self_loops_cost(nodes, edges, kept)
        + norm
        + linear_cost(nodes, d_in, d_out)
        + messages
        + elementwise(nodes * d_out)
    )


def _gat_cost(dims: dict[str, Any], nodes: int, d_in: int, d_out: int, last: bool) -> Cost:
    """A GAT layer: self-loops, the bias-free linear to all heads, each node's source and
    target scores (a product and a sum each), each edge's score (two gathers, an add, a
    LeakyReLU), their softmax per target, the weighted messages summed at the targets, the
    heads' mean on an output layer (a concat is a view) and the bias add."""
    edges, kept = example_edges(nodes)
    looped = kept + nodes
    output = last and dims["readout"] == "none"
    heads = dims["out_heads"] if output else dims["heads"]
    width = heads * (d_out if output else d_out // heads)
    per_node = 2 * (elementwise(nodes * width) + elementwise(nodes * heads))
    scores = per_node + elementwise(looped * heads, 4)
    messages = elementwise(looped * width, 2) + _sum_at_cost(nodes, width)
    mean = elementwise(nodes * d_out) if output else Cost()
    return (
        _self_loops_cost(nodes, edges, kept)
        + linear_cost(nodes, d_in, width)
        + scores
        + _softmax_at_cost(looped, nodes, heads)
        + messages
        + mean
        + elementwise(nodes * d_out)
    )


def _gin_cost(nodes: int, d_in: int, d_out: int) -> Cost:
    """A GIN layer: the neighbours' sum (a gather, summed at the targets), the add to each
    node, and the two-layer ReLU MLP."""
    edges, _ = example_edges(nodes)
    aggregate = elementwise(edges * d_in) + _sum_at_cost(nodes, d_in) + elementwise(nodes * d_in)
    mlp = linear_cost(nodes, d_in, d_out) + elementwise(nodes * d_out)
    return aggregate + mlp + linear_cost(nodes, d_out, d_out)


def _sage_cost(nodes: int, d_in: int, d_out: int) -> Cost:
    """A GraphSAGE layer: in-degrees (ones summed, clamped), the neighbours' mean (a gather,
    summed, divided), the two linears and their sum."""
    edges, _ = example_edges(nodes)
    counts = elementwise(edges) + _sum_at_cost(nodes, 1) + elementwise(nodes)
    mean = elementwise(edges * d_in) + _sum_at_cost(nodes, d_in) + elementwise(nodes * d_in)
    linears = linear_cost(nodes, d_in, d_out) + linear_cost(nodes, d_in, d_out)
    return counts + mean + linears + elementwise(nodes * d_out)


def conv_cost(dims: dict[str, Any], d_in: int, d_out: int, last: bool, nodes: int) -> Cost:
    """One message-passing layer of dims["conv"] on one graph."""
    conv = dims["conv"]
    if conv == "gat":
        return _gat_cost(dims, nodes, d_in, d_out, last)
    return {"gcn": _gcn_cost, "gin": _gin_cost, "sage": _sage_cost}[conv](nodes, d_in, d_out)


def _readout_costs(dims: dict[str, Any], nodes: int) -> dict[str, Cost]:
    """pool (an attention readout: the gate linear, its softmax over the graph, the weighted
    sum) and head on one graph; the forward's graph sizes (a bincount) and its sum or mean
    readout."""
    hidden, graphs = dims["hidden"], 1
    out = {"head": linear_cost(graphs, hidden, dims["num_outputs"])}
    forward = elementwise(graphs)  # the bincount
    if dims["readout"] == "attention":
        weights = linear_cost(nodes, hidden, 1) + _softmax_at_cost(nodes, graphs, 1)
        out["pool"] = weights + elementwise(nodes * hidden) + _sum_at_cost(graphs, hidden)
    else:
        forward += _sum_at_cost(graphs, hidden)
    if dims["readout"] == "mean":
        forward += elementwise(graphs) + elementwise(graphs * hidden)  # sizes to float, divide
    return {**out, "forward": forward}


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One graph of nodes_per_graph nodes (and example_edges' edges): the convs, a ReLU after
    each but a node-level output layer (in the forward), and the readout."""
    nodes, widths = dims["nodes_per_graph"], layer_widths(dims)
    last = len(widths) - 1
    convs = sum(
        (conv_cost(dims, a, b, i == last, nodes) for i, (a, b) in enumerate(widths)), Cost()
    )
    node_level = dims["readout"] == "none"
    relus = elementwise(nodes * dims["hidden"], len(widths) - node_level)
    if node_level:
        return {"convs": convs, "forward": relus}
    readout = _readout_costs(dims, nodes)
    return {"convs": convs, **readout, "forward": relus + readout["forward"]}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One graph of nodes_per_graph nodes."""
    return total(costs(dims, seq_len)).flops
