"""The video_diffusion architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="video_diffusion",
    model="VideoDiffusion",
    config="VideoDiffusionConfig",
    default_budget=500_000_000,
    has_variants=False,
)
