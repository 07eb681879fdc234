"""Exact parameters and forward FLOPs of the audio LM (model.py), from dims alone: the log-mel
prompt encoder of archs/audio_transformer, then a decoder over codec levels. Pure Python.

FLOPs follow FlopCounterMode (blueprint/counting.py): not the STFT, no discount for the
causal mask.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.audio_transformer.counts import (
    audio_tokens,
    encoder_flops,
    encoder_layers,
    stem_params,
    stft_frames,
)
from metagen.archs.decoder_lm.counts import kv_dim
from metagen.blueprint.counting import (
    MLP_MATRICES,
    attention_flops,
    attention_params,
    encoder_block_params,
    linear,
)


def _decoder_block_params(d: dict[str, Any]) -> int:
    """Causal self-attention (GQA), cross-attention to the prompt, SwiGLU and three RMSNorms;
    no biases."""
    dm = d["d_model"]
    self_attention = attention_params(dm, bias=False, kv_dim=kv_dim(d))
    cross_attention = attention_params(dm, bias=False)  # keys and values from the prompt
    mlp = MLP_MATRICES["swiglu"] * linear(dm, d["d_ff"], bias=False)
    return self_attention + cross_attention + mlp + 3 * dm


def _decoder_block_flops(d: dict[str, Any], t: int, s: int) -> int:
    """One decoder block over t tokens attending to s prompt tokens."""
    dm, kv = d["d_model"], kv_dim(d)
    self_attention = 2 * t * dm * (dm + 2 * kv) + 2 * t * dm * dm + attention_flops(t, dm)
    cross_attention = 2 * t * dm * dm + 2 * s * dm * 2 * dm + attention_flops(t, dm, s)
    cross_attention += 2 * t * dm * dm  # the output projection
    mlp = MLP_MATRICES["swiglu"] * 2 * t * dm * d["d_ff"]
    return self_attention + cross_attention + mlp


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """frontend, stem, encoder_blocks.i, encoder_norm, token_embedding (the levels and a start
    token), blocks.i, final_norm, lm_head."""
    dm = dims["d_model"]
    stem = stem_params(dims, stft_frames(dims, dims["prompt_samples"]))
    encoder_block = encoder_block_params(dm, dims["encoder_d_ff"])
    out = encoder_layers(dims, stem, dims["encoder_layers"], encoder_block)
    out["token_embedding"] = (dims["n_levels"] + 1) * dm
    block = _decoder_block_params(dims)
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = dm
    out["lm_head"] = linear(dm, dims["n_levels"], bias=False)
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One prompt clip of prompt_samples and seq_len decoder tokens (default context_length)."""
    t = dims["context_length"] if seq_len is None else seq_len
    frames = stft_frames(dims, dims["prompt_samples"])
    encoder = encoder_flops(dims, frames, frames, dims["encoder_layers"], dims["encoder_d_ff"])
    decoder = dims["n_layers"] * _decoder_block_flops(dims, t, audio_tokens(frames))
    return encoder + decoder + 2 * t * dims["d_model"] * dims["n_levels"]
