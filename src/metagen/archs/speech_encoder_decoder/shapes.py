"""The speech encoder-decoder's solver grid (Whisper's) and its smoke dims, with the smoke
sizes that the CTC recognizer (archs/speech_ctc) shares."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import Shape, at_depth, widths

# The byte tokenizer's ids (256 bytes, bos, eos, pad), which smoke runs always use.
SMOKE_SPEECH_VOCAB = 259
# Smoke clips hold at most two synthetic words (the longest, "three seven", is 11 bytes; the
# decoder also reads the start token or predicts the end token).
SMOKE_SPEECH_SECONDS = 1.5
SMOKE_SPEECH_TEXT_CTX = 16
SMOKE_SPEECH_MAX_WORDS = 2
SMOKE_SPEECH_WIDTH = {"d_model": 64, "n_heads": 4, "d_ff": 256}
# Smoke encoder-decoders read at most 50 frames a second (speech_recognizer's 8 kHz at hop
# 160): whisper_tiny's 100 (16 kHz, hop 160) doubled the encoder's cost and took a CPU smoke
# run past two minutes. Hop and window grow together, so the filterbank still spans 0 to 8 kHz.
SMOKE_SPEECH_FRAMES_PER_SECOND = 50


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """Whisper's grid: 64-wide heads, a 4x GELU MLP, as many decoder as encoder layers,
    width/depth from 96 (tiny, 384/4) to 40 (large, 1280/32)."""
    for d in widths(128, 2048):
        if d >= 512 and d % 128:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // 64, "d_ff": 4 * d}
        yield Shape(
            f"d_model={d}",
            at_depth(base, "encoder_layers", "decoder_layers"),
            max(2, math.ceil(d / 96)),
            max(2, d // 40),
        )


def smoke_clip_samples(dims: dict[str, Any]) -> int:
    """At most SMOKE_SPEECH_SECONDS of audio, and at least one STFT window."""
    clip = min(dims["clip_samples"], round(SMOKE_SPEECH_SECONDS * dims["sample_rate"]))
    return max(dims["n_fft"], clip)


def _smoke_framing(dims: dict[str, Any]) -> dict[str, Any]:
    frames_per_second = dims["sample_rate"] / dims["hop_length"]
    factor = max(1, round(frames_per_second / SMOKE_SPEECH_FRAMES_PER_SECOND))
    return {"hop_length": factor * dims["hop_length"], "n_fft": factor * dims["n_fft"]}


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    framing = _smoke_framing(dims)
    return {
        **dims,
        **SMOKE_SPEECH_WIDTH,
        **framing,
        "clip_samples": smoke_clip_samples({**dims, **framing}),
        "vocab_size": SMOKE_SPEECH_VOCAB,
        "n_text_ctx": SMOKE_SPEECH_TEXT_CTX,
        "encoder_layers": 2,
        "decoder_layers": 2,
    }
