"""The encoder_mlm architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="encoder_mlm",
    model="EncoderMLM",
    config="EncoderMLMConfig",
    default_budget=110_000_000,  # BERT-base
    has_variants=True,
)
