"""The tft architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="tft",
    model="TFT",
    config="TFTConfig",
    default_budget=1_000_000,
    has_variants=False,
)
