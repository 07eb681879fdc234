"""The audio_transformer architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="audio_transformer",
    model="AudioTransformer",
    config="AudioTransformerConfig",
    default_budget=22_000_000,
    has_variants=False,
)
