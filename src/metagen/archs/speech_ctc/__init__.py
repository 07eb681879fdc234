"""The speech_ctc architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="speech_ctc",
    model="SpeechCTC",
    config="SpeechCTCConfig",
    default_budget=30_000_000,  # the Conformer-CTC medium class
    has_variants=False,
)
