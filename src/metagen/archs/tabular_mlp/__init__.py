"""The tabular_mlp architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="tabular_mlp",
    model="TabularMLP",
    config="TabularMLPConfig",
    default_budget=500_000,  # tabular data is small: a few blocks of a few hundred units
    has_variants=False,
)
