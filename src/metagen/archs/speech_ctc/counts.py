"""Exact parameters, forward FLOPs and costs of the CTC recognizer (model.py), from dims
alone: Whisper's encoder (archs/speech_encoder_decoder) and a linear head on every audio
token. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.archs.speech_encoder_decoder.counts import (
    audio_tokens,
    encoder_costs,
    encoder_layers,
)
from metagen.blueprint.cost import Cost, linear_cost, total
from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """frontend, stem, encoder_blocks.i, encoder_norm, ctc_head."""
    out = encoder_layers(dims, dims["n_layers"])
    out["ctc_head"] = linear(dims["d_model"], dims["vocab_size"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One clip of clip_samples."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One clip of clip_samples: the encoder, then the head (with a bias: one addmm) on every
    audio token."""
    head = linear_cost(audio_tokens(dims), dims["d_model"], dims["vocab_size"])
    return {**encoder_costs(dims, dims["n_layers"]), "ctc_head": head}
