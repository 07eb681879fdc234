"""The video_transformer architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="video_transformer",
    model="VideoTransformer",
    config="VideoTransformerConfig",
    default_budget=30_000_000,
    has_variants=False,
)
