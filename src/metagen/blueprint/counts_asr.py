"""Exact parameters and forward FLOPs of the speech recognizers (`archs/speech_encoder_decoder/model.py`,
`archs/speech_ctc/model.py`), from dims alone. Pure Python; `counts.py` registers them in ARCH_COUNTS.

FLOPs follow `torch.utils.flop_counter.FlopCounterMode`: the mel projection (a matmul over
every STFT frame, before Whisper's last frame is dropped), the convolutions, the linears and
4 * T_q * T_k * d_model per attention call; not the STFT (an FFT).
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

SPEECH_FRONTEND_DIMS = ("sample_rate", "clip_samples", "n_fft", "hop_length", "n_mels")
SPEECH_SEQ2SEQ_DIMS = (
    *SPEECH_FRONTEND_DIMS,
    "vocab_size",
    "n_text_ctx",
    "d_model",
    "encoder_layers",
    "decoder_layers",
    "n_heads",
    "d_ff",
)
SPEECH_CTC_DIMS = (*SPEECH_FRONTEND_DIMS, "vocab_size", "d_model", "n_layers", "n_heads", "d_ff")


def _frames(d: Dims) -> int:
    return d["clip_samples"] // d["hop_length"]  # Whisper drops the centred STFT's last frame


def _audio_tokens(d: Dims) -> int:
    return (_frames(d) - 1) // 2 + 1  # after the stem's stride-2 conv


def _stem_params(d: Dims) -> int:
    dm, mels = d["d_model"], d["n_mels"]
    convs = (mels * dm * 3 + dm) + (dm * dm * 3 + dm)
    return convs + _audio_tokens(d) * dm  # and the frozen sinusoidal table


def _attention_params(dm: int) -> int:
    return 3 * (dm * dm + dm) + dm * dm  # query, value, output with biases; key without


def _mlp_params(dm: int, ff: int) -> int:
    return dm * ff + ff + ff * dm + dm


def _encoder_block_params(d: Dims) -> int:
    dm = d["d_model"]
    return _attention_params(dm) + _mlp_params(dm, d["d_ff"]) + 2 * 2 * dm  # two LayerNorms


def _decoder_block_params(d: Dims) -> int:
    dm = d["d_model"]
    return _encoder_block_params(d) + _attention_params(dm) + 2 * dm  # cross-attention and norm


def _encoder_layers(d: Dims, depth: int) -> dict[str, int]:
    layers = {"frontend": 0, "stem": _stem_params(d)}
    layers.update({f"encoder_blocks.{i}": _encoder_block_params(d) for i in range(depth)})
    layers["encoder_norm"] = 2 * d["d_model"]
    return layers


def _encoder_flops(d: Dims, depth: int) -> int:
    dm, mels, ff = d["d_model"], d["n_mels"], d["d_ff"]
    frames, s = _frames(d), _audio_tokens(d)
    mel = 2 * (frames + 1) * (d["n_fft"] // 2 + 1) * mels
    stem = 2 * frames * 3 * mels * dm + 2 * s * 3 * dm * dm
    block = 4 * 2 * s * dm * dm + 4 * s * s * dm + 2 * 2 * s * dm * ff
    return mel + stem + depth * block


# --- speech_encoder_decoder ------------------------------------------------------------------


def speech_seq2seq_layers(d: Dims) -> dict[str, int]:
    dm, vocab = d["d_model"], d["vocab_size"]
    layers = _encoder_layers(d, d["encoder_layers"])
    layers["token_embedding"] = vocab * dm
    layers["position_embedding"] = d["n_text_ctx"] * dm
    layers.update({f"blocks.{i}": _decoder_block_params(d) for i in range(d["decoder_layers"])})
    layers["final_norm"] = 2 * dm
    layers["lm_head"] = 0  # tied to the token embedding
    return layers


def speech_seq2seq_flops(d: Dims, seq_len: int | None) -> int:
    """One clip of clip_samples and seq_len decoder tokens (default n_text_ctx)."""
    t = d["n_text_ctx"] if seq_len is None else seq_len
    dm, ff, s = d["d_model"], d["d_ff"], _audio_tokens(d)
    self_attention = 4 * 2 * t * dm * dm + 4 * t * t * dm
    cross_attention = 2 * 2 * t * dm * dm + 2 * 2 * s * dm * dm + 4 * t * s * dm
    mlp = 2 * 2 * t * dm * ff
    decoder = d["decoder_layers"] * (self_attention + cross_attention + mlp)
    return _encoder_flops(d, d["encoder_layers"]) + decoder + 2 * t * dm * d["vocab_size"]


# --- speech_ctc ------------------------------------------------------------------------------


def speech_ctc_layers(d: Dims) -> dict[str, int]:
    layers = _encoder_layers(d, d["n_layers"])
    layers["ctc_head"] = d["d_model"] * d["vocab_size"] + d["vocab_size"]
    return layers


def speech_ctc_flops(d: Dims, seq_len: int | None) -> int:
    head = 2 * _audio_tokens(d) * d["d_model"] * d["vocab_size"]
    return _encoder_flops(d, d["n_layers"]) + head
