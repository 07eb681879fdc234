"""The gnn architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="gnn",
    model="GNN",
    config="GNNConfig",
    default_budget=100_000,  # graph benchmarks train models of 10k to a few 100k parameters
    has_variants=True,
)
