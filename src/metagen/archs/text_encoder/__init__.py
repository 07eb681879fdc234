"""The text_encoder architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="text_encoder",
    model="TextEncoder",
    config="TextEncoderConfig",
    default_budget=110_000_000,  # BERT-base
    has_variants=False,
)
