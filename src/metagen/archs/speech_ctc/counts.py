"""Exact parameters and forward FLOPs of the CTC recognizer (model.py), from dims alone:
Whisper's encoder (archs/speech_encoder_decoder) and a linear head on every audio token.
Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.speech_encoder_decoder.counts import (
    audio_tokens,
    encoder_flops,
    encoder_layers,
)
from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """frontend, stem, encoder_blocks.i, encoder_norm, ctc_head."""
    out = encoder_layers(dims, dims["n_layers"])
    out["ctc_head"] = linear(dims["d_model"], dims["vocab_size"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One clip of clip_samples."""
    head = 2 * audio_tokens(dims) * dims["d_model"] * dims["vocab_size"]
    return encoder_flops(dims, dims["n_layers"]) + head
