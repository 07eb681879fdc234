"""Exact parameters and forward FLOPs of the audio architectures (`archs/audio_transformer/model.py`,
`archs/audio_lm/model.py`), from dims alone. Pure Python; `counts.py` registers them in ARCH_COUNTS.

FLOPs follow `torch.utils.flop_counter.FlopCounterMode`, which counts the mel projection
(a matmul) and the convolutions but not the STFT (an FFT, outside its registry).
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

AUDIO_FRONTEND_DIMS = ("sample_rate", "n_fft", "hop_length", "n_mels")
AUDIO_TRANSFORMER_DIMS = (
    *AUDIO_FRONTEND_DIMS,
    "clip_samples",
    "d_model",
    "n_layers",
    "d_ff",
    "num_classes",
)
AUDIO_LM_DIMS = (
    *AUDIO_FRONTEND_DIMS,
    "prompt_samples",
    "n_levels",
    "context_length",
    "d_model",
    "encoder_layers",
    "encoder_d_ff",
    "n_layers",
    "n_heads",
    "n_kv_heads",
    "d_ff",
)


def _frames(samples: int, hop: int) -> int:
    return 1 + samples // hop  # a centred STFT


def _tokens(samples: int, hop: int) -> int:
    return (_frames(samples, hop) - 1) // 2 + 1  # after the stride-2 conv of the stem


def _stem_params(d: Dims, samples: int) -> int:
    dm, mels = d["d_model"], d["n_mels"]
    convs = (mels * dm * 3 + dm) + (dm * dm * 3 + dm)
    return convs + _tokens(samples, d["hop_length"]) * dm  # and the position table


def _encoder_block_params(dm: int, ff: int) -> int:
    attention = dm * 3 * dm + 3 * dm + dm * dm + dm  # qkv and out, with biases
    mlp = dm * ff + ff + ff * dm + dm
    return attention + mlp + 2 * 2 * dm  # two LayerNorms


def _encoder_flops(d: Dims, samples: int, layers: int, ff: int) -> int:
    """Mel projection, stem convs and encoder blocks over one clip of `samples`."""
    dm, mels, hop = d["d_model"], d["n_mels"], d["hop_length"]
    frames, s = _frames(samples, hop), _tokens(samples, hop)
    mel = 2 * frames * (d["n_fft"] // 2 + 1) * mels
    stem = 2 * frames * 3 * mels * dm + 2 * s * 3 * dm * dm
    block = 2 * s * dm * 3 * dm + 2 * s * dm * dm + 4 * s * s * dm + 2 * 2 * s * dm * ff
    return mel + stem + layers * block


# --- audio_transformer -----------------------------------------------------------------------


def audio_transformer_layers(d: Dims) -> dict[str, int]:
    dm = d["d_model"]
    layers = {"frontend": 0, "stem": _stem_params(d, d["clip_samples"])}
    block = _encoder_block_params(dm, d["d_ff"])
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = dm * d["num_classes"] + d["num_classes"]
    return layers


def audio_transformer_flops(d: Dims, seq_len: int | None) -> int:
    encoder = _encoder_flops(d, d["clip_samples"], d["n_layers"], d["d_ff"])
    return encoder + 2 * d["d_model"] * d["num_classes"]


# --- audio_lm --------------------------------------------------------------------------------


def _decoder_block_params(d: Dims) -> int:
    dm = d["d_model"]
    kv_dim = d["n_kv_heads"] * (dm // d["n_heads"])
    self_attention = dm * (dm + 2 * kv_dim) + dm * dm
    cross_attention = dm * dm + dm * 2 * dm + dm * dm
    return self_attention + cross_attention + 3 * dm * d["d_ff"] + 3 * dm  # three RMSNorms


def audio_lm_layers(d: Dims) -> dict[str, int]:
    dm = d["d_model"]
    layers = {"frontend": 0, "stem": _stem_params(d, d["prompt_samples"])}
    encoder_block = _encoder_block_params(dm, d["encoder_d_ff"])
    layers.update({f"encoder_blocks.{i}": encoder_block for i in range(d["encoder_layers"])})
    layers["encoder_norm"] = 2 * dm
    layers["token_embedding"] = (d["n_levels"] + 1) * dm
    block = _decoder_block_params(d)
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = dm
    layers["lm_head"] = dm * d["n_levels"]
    return layers


def audio_lm_flops(d: Dims, seq_len: int | None) -> int:
    """One prompt clip of prompt_samples and seq_len decoder tokens (default context_length)."""
    t = d["context_length"] if seq_len is None else seq_len
    dm, ff = d["d_model"], d["d_ff"]
    s = _tokens(d["prompt_samples"], d["hop_length"])
    encoder = _encoder_flops(d, d["prompt_samples"], d["encoder_layers"], d["encoder_d_ff"])
    kv_dim = d["n_kv_heads"] * (dm // d["n_heads"])
    self_attention = 2 * t * dm * (dm + 2 * kv_dim) + 2 * t * dm * dm + 4 * t * t * dm
    cross_attention = 2 * t * dm * dm + 2 * s * dm * 2 * dm + 4 * t * s * dm + 2 * t * dm * dm
    mlp = 3 * 2 * t * dm * ff
    head = 2 * t * dm * d["n_levels"]
    return encoder + d["n_layers"] * (self_attention + cross_attention + mlp) + head
