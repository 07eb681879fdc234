"""The audio LM's solver grid (the decoder LM's, with a prompt encoder) and its smoke dims."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.decoder_lm.shapes import grid as lm_grid
from metagen.blueprint.shape_builds import Shape, at_depth
from metagen.blueprint.smoke import SMOKE_AUDIO_SEQ_LEN


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The LM grid for the decoder (the depth knob); the prompt encoder has the same width and
    a fixed depth per width, about a quarter of the decoder's (Whisper splits evenly, MusicGen
    conditions on a separate text encoder)."""
    for shape in lm_grid({**fixed, "mlp": "swiglu"}, budget):
        base = shape.build(shape.depth_min)
        d = base["d_model"]
        base = {k: v for k, v in base.items() if k not in ("mlp", "tie_embeddings")}
        base.update(encoder_layers=max(2, d // 256), encoder_d_ff=4 * d)
        yield Shape(
            shape.label,
            at_depth(base, "n_layers"),
            shape.depth_min,
            shape.depth_max,
        )


# Smoke audio: prompts of at most half a second; decoders train on windows of 64 samples (one
# CPU run of audio_generation_small, 300 steps of 32: held-out 3.39 nats against a unigram
# entropy of 5.14).


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    kv_ratio = dims["n_heads"] // dims["n_kv_heads"]
    prompt = max(dims["n_fft"], min(dims["prompt_samples"], dims["sample_rate"] // 2))
    return {
        **dims,
        "prompt_samples": prompt,
        "context_length": 4 * SMOKE_AUDIO_SEQ_LEN,
        "d_model": 128,
        "encoder_layers": 2,
        "encoder_d_ff": 4 * 128,
        "n_layers": 2,
        "n_heads": 4,
        "n_kv_heads": max(1, 4 // kv_ratio),
        "d_ff": 320,
    }
