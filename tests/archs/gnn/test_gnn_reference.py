"""The GCN and GAT layers against torch-geometric's GCNConv and GATConv with the same weights."""

import pytest
import torch

from metagen.archs.gnn.model import GATLayer, GCNLayer, GINLayer, SAGELayer

torch.set_num_threads(1)
pyg = pytest.importorskip("torch_geometric.nn")


def graph(nodes: int = 12, features: int = 5) -> tuple[torch.Tensor, torch.Tensor]:
    """Random features and edges, with a duplicate-free mix of directions and one self-loop."""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(nodes, features, generator=generator)
    pairs = torch.randint(0, nodes, (2, 30), generator=generator)
    edge_index = torch.unique(torch.cat([pairs, torch.tensor([[3], [3]])], dim=1), dim=1)
    return x, edge_index


def test_gcn_layer_equals_gcnconv():
    x, edge_index = graph()
    ours, theirs = GCNLayer(5, 7), pyg.GCNConv(5, 7)
    with torch.no_grad():
        theirs.lin.weight.copy_(ours.lin.weight)
        theirs.bias.copy_(torch.randn(7))
        ours.bias.copy_(theirs.bias)
    torch.testing.assert_close(ours(x, edge_index), theirs(x, edge_index), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(("heads", "concat"), [(4, True), (3, False)])
def test_gat_layer_equals_gatconv(heads, concat):
    x, edge_index = graph()
    head_dim = 6
    d_out = heads * head_dim if concat else head_dim
    ours = GATLayer(5, d_out, heads, concat)
    theirs = pyg.GATConv(5, head_dim, heads=heads, concat=concat)
    with torch.no_grad():
        theirs.lin.weight.copy_(ours.lin.weight)
        theirs.att_src.copy_(ours.att_src)
        theirs.att_dst.copy_(ours.att_dst)
        theirs.bias.copy_(torch.randn(d_out))
        ours.bias.copy_(theirs.bias)
    torch.testing.assert_close(ours(x, edge_index), theirs(x, edge_index), atol=1e-5, rtol=1e-5)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())


def test_gin_and_sage_layers_equal_torch_geometric():
    x, edge_index = graph()
    gin = GINLayer(5, 7)
    theirs_gin = pyg.GINConv(gin.mlp)  # the same MLP module: eps fixed at 0 in both
    torch.testing.assert_close(gin(x, edge_index), theirs_gin(x, edge_index), atol=1e-5, rtol=1e-5)
    sage, theirs_sage = SAGELayer(5, 7), pyg.SAGEConv(5, 7)
    with torch.no_grad():
        theirs_sage.lin_l.weight.copy_(sage.lin_l.weight)
        theirs_sage.lin_l.bias.copy_(sage.lin_l.bias)
        theirs_sage.lin_r.weight.copy_(sage.lin_r.weight)
    torch.testing.assert_close(
        sage(x, edge_index), theirs_sage(x, edge_index), atol=1e-5, rtol=1e-5
    )
    assert sum(p.numel() for p in sage.parameters()) == sum(
        p.numel() for p in theirs_sage.parameters()
    )
