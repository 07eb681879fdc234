"""The speech_encoder_decoder architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="speech_encoder_decoder",
    model="SpeechEncoderDecoder",
    config="SpeechEncoderDecoderConfig",
    default_budget=37_760_640,  # Whisper tiny
    has_variants=True,
)
