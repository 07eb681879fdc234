"""The two_tower architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="two_tower",
    model="TwoTower",
    config="TwoTowerConfig",
    default_budget=200_000,  # ID tables of a few thousand users and items at width 32 to 64
    has_variants=False,
)
