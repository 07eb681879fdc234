"""The decoder_lm architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="decoder_lm",
    model="DecoderLM",
    config="DecoderLMConfig",
    default_budget=125_000_000,
    has_variants=True,
)
