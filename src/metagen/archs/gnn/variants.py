"""Kipf & Welling's and Velickovic et al.'s Cora models, numbers only, counted as
torch-geometric's GCNConv and GATConv count them (biases included)."""

from __future__ import annotations

from metagen.blueprint.catalog import Variant

# Cora: 2,708 nodes with 1,433 bag-of-words features, 7 classes.
_CORA = {
    "in_features": 1433,
    "num_outputs": 7,
    "n_layers": 2,
    "readout": "none",
    "nodes_per_graph": 2708,
    "dropout": 0.0,  # the papers train with 0.5 (GCN) and 0.6 (GAT); dropout changes no count
}

VARIANTS = (
    Variant(
        "gcn_cora",
        "gnn",
        "gnn",
        {**_CORA, "conv": "gcn", "hidden": 16, "heads": 1, "out_heads": 1},
        23_063,
        "Kipf & Welling 2017 (1433 -> 16 -> 7), torch-geometric examples/gcn.py",
    ),
    Variant(
        "gat_cora",
        "gnn",
        "gnn",
        {**_CORA, "conv": "gat", "hidden": 64, "heads": 8, "out_heads": 1},
        92_373,
        "Velickovic et al. 2018 (8 heads x 8 hidden, 1 output head), torch-geometric "
        "examples/gat.py",
    ),
)
