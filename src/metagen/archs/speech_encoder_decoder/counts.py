"""Exact parameters and forward FLOPs of the speech encoder-decoder (model.py, Whisper), from
dims alone, and its encoder, which the CTC recognizer (archs/speech_ctc) shares. Pure Python.

Whisper's encoder is the log-mel encoder of archs/audio_transformer with two differences: its
keys have no bias, and it drops the centred STFT's last frame. FLOPs follow FlopCounterMode
(blueprint/counting.py): the mel projection (a matmul over every STFT frame, before the last
is dropped), the convolutions, the linears and the attention calls; not the STFT (an FFT).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.audio_transformer import counts as audio
from metagen.blueprint.counting import (
    attention_flops,
    attention_params,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
)


def frames(d: dict[str, Any]) -> int:
    return d["clip_samples"] // d["hop_length"]  # Whisper drops the centred STFT's last frame


def audio_tokens(d: dict[str, Any]) -> int:
    return audio.audio_tokens(frames(d))


def _encoder_block_params(d: dict[str, Any]) -> int:
    return encoder_block_params(d["d_model"], d["d_ff"]) - d["d_model"]  # a bias-free key


def encoder_layers(d: dict[str, Any], depth: int) -> dict[str, int]:
    """frontend, stem (its position table a frozen sinusoid), encoder_blocks.i, encoder_norm."""
    stem = audio.stem_params(d, frames(d))
    return audio.encoder_layers(d, stem, depth, _encoder_block_params(d))


def encoder_flops(d: dict[str, Any], depth: int) -> int:
    return audio.encoder_flops(d, frames(d) + 1, frames(d), depth, d["d_ff"])


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """The encoder, then token_embedding, position_embedding, blocks.i (self-attention,
    cross-attention, MLP, three LayerNorms), final_norm, lm_head (0: tied to the embedding)."""
    dm, vocab = dims["d_model"], dims["vocab_size"]
    out = encoder_layers(dims, dims["encoder_layers"])
    out["token_embedding"] = vocab * dm
    out["position_embedding"] = dims["n_text_ctx"] * dm
    cross_attention = attention_params(dm) - dm + layer_norm(dm)  # a bias-free key, its norm
    block = _encoder_block_params(dims) + cross_attention
    out.update({f"blocks.{i}": block for i in range(dims["decoder_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["lm_head"] = 0  # tied to the token embedding
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One clip of clip_samples and seq_len decoder tokens (default n_text_ctx)."""
    t = dims["n_text_ctx"] if seq_len is None else seq_len
    dm, s = dims["d_model"], audio_tokens(dims)
    cross_attention = 2 * 2 * t * dm * dm + 2 * 2 * s * dm * dm + attention_flops(t, dm, s)
    block = encoder_block_flops(t, dm, dims["d_ff"]) + cross_attention
    decoder = dims["decoder_layers"] * block
    return encoder_flops(dims, dims["encoder_layers"]) + decoder + 2 * t * dm * dims["vocab_size"]
