"""Exact parameters and forward FLOPs of the speech recognizers (`archs/speech_encoder_decoder/model.py`,
`archs/speech_ctc/model.py`), from dims alone. Pure Python.

Both run Whisper's encoder (the log-mel encoder of `counts_audio.py`), whose keys have no
bias; the mel projection runs over every STFT frame, before the last frame is dropped.
"""

from __future__ import annotations

from metagen.blueprint.counting import Dims, encoder_block_params, layer_norm, linear
from metagen.blueprint.counts_audio import (
    audio_encoder_flops,
    audio_encoder_layers,
    audio_stem_params,
    audio_tokens,
)
from metagen.blueprint.counts_pieces import (
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
    mlp_flops,
    self_attention_flops,
    stack,
)


def _frames(d: Dims) -> int:
    return d["clip_samples"] // d["hop_length"]  # Whisper drops the centred STFT's last frame


def _encoder_block_params(d: Dims) -> int:
    return encoder_block_params(d["d_model"], d["d_ff"]) - d["d_model"]  # a bias-free key


def _encoder_layers(d: Dims, depth: int) -> dict[str, int]:
    stem = audio_stem_params(d, _frames(d))  # its position table is a frozen sinusoid
    return audio_encoder_layers(d, stem, depth, _encoder_block_params(d))


def _encoder_flops(d: Dims, depth: int) -> int:
    frames = _frames(d)
    return audio_encoder_flops(d, frames + 1, frames, depth, d["d_ff"])


# --- speech_encoder_decoder ------------------------------------------------------------------


def speech_seq2seq_layers(d: Dims) -> dict[str, int]:
    dm, vocab = d["d_model"], d["vocab_size"]
    layers = _encoder_layers(d, d["encoder_layers"])
    layers["token_embedding"] = vocab * dm
    layers["position_embedding"] = d["n_text_ctx"] * dm
    cross = cross_attention_params(dm, dm) - dm + layer_norm(dm)  # bias-free key, its norm
    layers.update(stack("blocks", d["decoder_layers"], _encoder_block_params(d) + cross))
    layers["final_norm"] = layer_norm(dm)
    layers["lm_head"] = 0  # tied to the token embedding
    return layers


def speech_seq2seq_flops(d: Dims, seq_len: int | None) -> int:
    """One clip of clip_samples and seq_len decoder tokens (default n_text_ctx)."""
    t = d["n_text_ctx"] if seq_len is None else seq_len
    dm, s = d["d_model"], audio_tokens(_frames(d))
    block = self_attention_flops(t, dm) + cross_attention_flops(t, s, dm, dm)
    block += mlp_flops(t, dm, d["d_ff"])
    decoder = d["decoder_layers"] * block
    return _encoder_flops(d, d["encoder_layers"]) + decoder + linear_flops(t, dm, d["vocab_size"])


# --- speech_ctc ------------------------------------------------------------------------------


def speech_ctc_layers(d: Dims) -> dict[str, int]:
    layers = _encoder_layers(d, d["n_layers"])
    layers["ctc_head"] = linear(d["d_model"], d["vocab_size"])
    return layers


def speech_ctc_flops(d: Dims, seq_len: int | None) -> int:
    head = linear_flops(audio_tokens(_frames(d)), d["d_model"], d["vocab_size"])
    return _encoder_flops(d, d["n_layers"]) + head
