"""The CTC recognizer's solver grid (the ViT's, as the audio classifier's) and its smoke dims,
sized as the encoder-decoder's (archs/speech_encoder_decoder/shapes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.speech_encoder_decoder.shapes import (
    SMOKE_SPEECH_VOCAB,
    SMOKE_SPEECH_WIDTH,
    smoke_clip_samples,
)
from metagen.archs.vit.shapes import grid as vit_grid
from metagen.blueprint.shape_builds import Shape


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The ViT grid, as an encoder-only model: d_model/64 heads, a 4x MLP; depth is the knob."""
    return vit_grid(fixed, budget)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {
        **dims,
        **SMOKE_SPEECH_WIDTH,
        "clip_samples": smoke_clip_samples(dims),
        "vocab_size": SMOKE_SPEECH_VOCAB,
        "n_layers": 2,
    }
