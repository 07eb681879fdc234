"""The audio_lm architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="audio_lm",
    model="AudioLM",
    config="AudioLMConfig",
    default_budget=300_000_000,  # MusicGen-small
    has_variants=False,
)
