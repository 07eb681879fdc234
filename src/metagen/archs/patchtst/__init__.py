"""The patchtst architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="patchtst",
    model="PatchTST",
    config="PatchTSTConfig",
    default_budget=1_000_000,
    has_variants=False,
)
