"""The vit architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="vit",
    model="ViT",
    config="ViTConfig",
    default_budget=22_000_000,
    has_variants=True,
)
