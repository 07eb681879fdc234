"""The condinst architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="condinst",
    model="CondInst",
    config="CondInstConfig",
    default_budget=3_500_000,  # YOLOv8n with its mask branches (3.4M)
    has_variants=False,
)
