"""The clip architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="clip",
    model="CLIP",
    config="ClipConfig",
    default_budget=151_277_313,  # OpenAI CLIP ViT-B/32
    has_variants=True,
)
