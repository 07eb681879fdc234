"""The speech encoder-decoder's named variants: published configurations, numbers only."""

from __future__ import annotations

from metagen.blueprint.catalog import Variant

# Whisper tiny (Radford et al. 2022): 30 s of 16 kHz audio as 3000 log-mel frames (1500
# encoder positions), 448 text positions, 51,865 BPE rows kept for the published count
# although MetaGen transcribes with its byte tokenizer's first 259 ids (bos 256, eos 257).
# 37,760,640 is Hugging Face's openai/whisper-tiny, whose encoder keeps the 1500x384
# sinusoidal table as a frozen parameter; OpenAI's code keeps it as a buffer (37,184,640).
_WHISPER_TINY = {
    "sample_rate": 16000,
    "clip_samples": 480_000,
    "n_fft": 400,
    "hop_length": 160,
    "n_mels": 80,
    "mel_scale": "slaney",
    "vocab_size": 51865,
    "n_text_ctx": 448,
    "d_model": 384,
    "encoder_layers": 4,
    "decoder_layers": 4,
    "n_heads": 6,
    "d_ff": 1536,
    "bos_id": 256,
    "eos_id": 257,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "whisper_tiny",
        "speech_encoder_decoder",
        "transformer",
        _WHISPER_TINY,
        37_760_640,
        "Radford et al. 2022, Whisper tiny (Hugging Face openai/whisper-tiny; "
        "the encoder's frozen sinusoidal table included)",
    ),
)
