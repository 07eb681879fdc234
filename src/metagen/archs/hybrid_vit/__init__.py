"""The hybrid_vit architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="hybrid_vit",
    model="HybridViT",
    config="HybridViTConfig",
    default_budget=22_000_000,  # the ViT-S class, as vit
    has_variants=False,
)
