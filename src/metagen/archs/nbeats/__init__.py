"""The nbeats architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="nbeats",
    model="NBeats",
    config="NBeatsConfig",
    default_budget=5_000_000,
    has_variants=False,
)
