"""A message-passing graph network over an edge index, in plain torch (scatter by
`index_add_`): GCN (Kipf & Welling 2017), GAT (Velickovic et al. 2018, multi-head), GIN (Xu
et al. 2019) or GraphSAGE (Hamilton et al. 2017, mean aggregation) layers, each with the
parameters of torch-geometric's layer of the same name (biases included).

A batch is a disjoint union of graphs: node features x (N, F), edges (2, E) as (source,
target) node rows of the union, and `batch` (N,) the graph of each node. Without a readout
(node classification, link prediction) the last layer outputs per node (Kipf's Cora model);
with one (sum, mean or attention pooling) a linear head classifies each graph."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive

GNN_CONVS = ("gcn", "gat", "gin", "sage")
GNN_READOUTS = ("none", "sum", "mean", "attention")
GAT_NEGATIVE_SLOPE = 0.2  # the LeakyReLU of GAT's attention scores, as in the paper


@dataclass
class GNNConfig:
    in_features: int = 16  # node feature width (the data resizes it)
    hidden: int = 64  # a hidden layer's output width (all heads together for GAT)
    n_layers: int = 3  # message-passing layers
    num_outputs: int = 2  # classes per node or per graph, or an embedding's width
    conv: str = "gcn"
    heads: int = 1  # GAT's heads on hidden layers (concatenated)
    out_heads: int = 1  # GAT's heads on a node-level output layer (averaged)
    readout: str = "mean"  # "none": outputs per node
    nodes_per_graph: int = 16  # the graph that example inputs and the FLOPs figure use
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            in_features=self.in_features,
            hidden=self.hidden,
            n_layers=self.n_layers,
            num_outputs=self.num_outputs,
            heads=self.heads,
            out_heads=self.out_heads,
            nodes_per_graph=self.nodes_per_graph,
        )
        check_choice("conv", self.conv, GNN_CONVS)
        check_choice("readout", self.readout, GNN_READOUTS)
        check_divisible("hidden", self.hidden, "heads", self.heads)
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        """`batch_size` graphs of nodes_per_graph nodes: a ring plus random chords, both ways."""
        n = self.nodes_per_graph
        edges = []
        for g in range(batch_size):
            ring = torch.arange(n)
            chords = torch.randint(0, n, (2, n), generator=generator)
            src = torch.cat([ring, chords[0]])
            dst = torch.cat([(ring + 1) % n, chords[1]])
            edges.append(torch.stack([torch.cat([src, dst]), torch.cat([dst, src])]) + g * n)
        return {
            "x": torch.randn(batch_size * n, self.in_features, generator=generator),
            "edge_index": torch.cat(edges, dim=1),
            "batch": torch.arange(batch_size).repeat_interleave(n),
        }


def add_self_loops(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """Edges without self-loops, then one self-loop per node (torch-geometric's order)."""
    keep = edge_index[0] != edge_index[1]
    loops = torch.arange(num_nodes, device=edge_index.device).expand(2, num_nodes)
    return torch.cat([edge_index[:, keep], loops], dim=1)


def sum_at(values: torch.Tensor, index: torch.Tensor, size: int) -> torch.Tensor:
    """out[i] = sum of values[k] with index[k] == i; (size, *values.shape[1:])."""
    # scatter_add, not index_add: ONNX gets ScatterElements, which onnxruntime sums in order,
    # where index_add's ScatterND races on repeated indices across threads (measured: 0.04 off).
    spread = index.view(-1, *[1] * (values.dim() - 1)).expand_as(values)
    return values.new_zeros((size, *values.shape[1:])).scatter_add_(0, spread, values)


def softmax_at(scores: torch.Tensor, index: torch.Tensor, size: int) -> torch.Tensor:
    """Softmax of scores (E, H) over the entries that share an index (a target node)."""
    top = scores.new_full((size, *scores.shape[1:]), float("-inf"))
    top = top.scatter_reduce(0, index[:, None].expand_as(scores), scores, "amax")
    weights = (scores - top[index]).exp()
    return weights / sum_at(weights, index, size)[index]


class GCNLayer(nn.Module):
    """x' = D^-1/2 (A + I) D^-1/2 x W + b, degrees counted at the targets."""

    def __init__(self, d_in: int, d_out: int) -> None:
        super().__init__()
        self.lin = nn.Linear(d_in, d_out, bias=False)
        self.bias = nn.Parameter(torch.zeros(d_out))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        src, dst = add_self_loops(edge_index, n)
        degree = sum_at(torch.ones_like(dst, dtype=x.dtype), dst, n)
        inv_sqrt = degree.pow(-0.5)
        norm = inv_sqrt[src] * inv_sqrt[dst]  # (E,)
        h = self.lin(x)  # (N, d_out)
        return sum_at(h[src] * norm[:, None], dst, n) + self.bias


class GATLayer(nn.Module):
    """Multi-head attention over each node's in-neighbours and itself; heads concatenated
    (hidden layers) or averaged (an output layer)."""

    def __init__(self, d_in: int, d_out: int, heads: int, concat: bool) -> None:
        super().__init__()
        self.heads, self.concat = heads, concat
        self.head_dim = d_out // heads if concat else d_out
        self.lin = nn.Linear(d_in, heads * self.head_dim, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, heads, self.head_dim))
        self.att_dst = nn.Parameter(torch.empty(1, heads, self.head_dim))
        self.bias = nn.Parameter(torch.zeros(d_out))
        nn.init.xavier_uniform_(self.att_src)
        nn.init.xavier_uniform_(self.att_dst)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        src, dst = add_self_loops(edge_index, n)
        h = self.lin(x).view(n, self.heads, self.head_dim)  # (N, H, C)
        score_src = (h * self.att_src).sum(-1)  # (N, H)
        score_dst = (h * self.att_dst).sum(-1)
        scores = F.leaky_relu(score_src[src] + score_dst[dst], GAT_NEGATIVE_SLOPE)  # (E, H)
        alpha = softmax_at(scores, dst, n)
        out = sum_at(h[src] * alpha[..., None], dst, n)  # (N, H, C)
        out = out.flatten(1) if self.concat else out.mean(1)
        return out + self.bias


class GINLayer(nn.Module):
    """x' = MLP(x + sum of in-neighbours), a two-layer ReLU MLP (epsilon fixed at 0)."""

    def __init__(self, d_in: int, d_out: int) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(d_in, d_out), nn.ReLU(), nn.Linear(d_out, d_out))

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        src, dst = edge_index
        return self.mlp(x + sum_at(x[src], dst, x.shape[0]))


class SAGELayer(nn.Module):
    """x' = W_l mean(in-neighbours) + b + W_r x."""

    def __init__(self, d_in: int, d_out: int) -> None:
        super().__init__()
        self.lin_l = nn.Linear(d_in, d_out)
        self.lin_r = nn.Linear(d_in, d_out, bias=False)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        src, dst = edge_index
        n = x.shape[0]
        count = sum_at(torch.ones_like(dst, dtype=x.dtype), dst, n).clamp(min=1)
        mean = sum_at(x[src], dst, n) / count[:, None]
        return self.lin_l(mean) + self.lin_r(x)


def gnn_layer(config: GNNConfig, d_in: int, d_out: int, last: bool) -> nn.Module:
    """One message-passing layer of config.conv; a node-level output layer averages its heads."""
    if config.conv == "gat":
        output = last and config.readout == "none"
        heads = config.out_heads if output else config.heads
        return GATLayer(d_in, d_out, heads, concat=not output)
    return {"gcn": GCNLayer, "gin": GINLayer, "sage": SAGELayer}[config.conv](d_in, d_out)


class AttentionReadout(nn.Module):
    """Sum of a graph's nodes weighted by a softmax (over the graph) of a learned gate."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.gate = nn.Linear(d_model, 1)

    def forward(self, x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
        weights = softmax_at(self.gate(x), batch, num_graphs)  # (N, 1)
        return sum_at(x * weights, batch, num_graphs)


class GNN(nn.Module):
    """(x, edge_index, batch) -> logits per node (readout none) or per graph."""

    def __init__(self, config: GNNConfig) -> None:
        super().__init__()
        self.config = config
        node_level = config.readout == "none"
        widths = [config.in_features] + [config.hidden] * config.n_layers
        if node_level:
            widths[-1] = config.num_outputs
        self.convs = nn.ModuleList(
            gnn_layer(config, widths[i], widths[i + 1], last=i == config.n_layers - 1)
            for i in range(config.n_layers)
        )
        self.dropout = nn.Dropout(config.dropout)
        self.pool = AttentionReadout(config.hidden) if config.readout == "attention" else None
        self.head = None if node_level else nn.Linear(config.hidden, config.num_outputs)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Node states after the layers (N, width), or pooled per graph (G, hidden)."""
        for i, conv in enumerate(self.convs):
            x = conv(self.dropout(x), edge_index)
            if i < len(self.convs) - 1 or self.head is not None:
                x = F.relu(x)
        if self.head is None:
            return x
        if batch is None:
            batch = torch.zeros(x.shape[0], dtype=torch.long, device=x.device)
        # The graph count is read off a tensor's length, not a value, so that a trace keeps
        # it free (int(batch.max()) would freeze the traced batch of graphs).
        sizes = torch.bincount(batch)  # nodes per graph
        num_graphs = sizes.shape[0]
        if self.pool is not None:
            return self.pool(x, batch, num_graphs)
        pooled = sum_at(x, batch, num_graphs)
        if self.config.readout == "mean":
            pooled = pooled / sizes[:, None].to(x.dtype)
        return pooled

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return features if self.head is None else self.head(features)

    def forward(
        self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(x, edge_index, batch))
