"""The sequence_tagger architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="sequence_tagger",
    model="SequenceTagger",
    config="SequenceTaggerConfig",
    default_budget=10_000_000,
    has_variants=False,
)
