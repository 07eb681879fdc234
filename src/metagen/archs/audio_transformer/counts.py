"""Exact parameters and forward FLOPs of the audio classifier (model.py), from dims alone, and
the log-mel encoder that the audio LM and the speech recognizers share. Pure Python.

FLOPs follow FlopCounterMode (blueprint/counting.py), which counts the mel projection (a
matmul) and the convolutions but not the STFT (an FFT, outside its registry).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import (
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)


def stft_frames(d: dict[str, Any], samples: int) -> int:
    return 1 + samples // d["hop_length"]  # a centred STFT


def audio_tokens(frames: int) -> int:
    return (frames - 1) // 2 + 1  # after the stride-2 conv of the stem


def stem_params(d: dict[str, Any], frames: int) -> int:
    """Two Conv1d of kernel 3 over the mel frames (the second stride 2) with biases, and a
    table of the tokens."""
    dm = d["d_model"]
    convs = linear(3 * d["n_mels"], dm) + linear(3 * dm, dm)
    return convs + audio_tokens(frames) * dm


def encoder_flops(d: dict[str, Any], mel_frames: int, frames: int, depth: int, ff: int) -> int:
    """The mel projection over `mel_frames` STFT frames, the stem over `frames` and `depth`
    encoder blocks with an MLP of `ff`."""
    dm, mels = d["d_model"], d["n_mels"]
    tokens = audio_tokens(frames)
    mel = 2 * mel_frames * (d["n_fft"] // 2 + 1) * mels
    stem = 2 * frames * 3 * mels * dm + 2 * tokens * 3 * dm * dm
    return mel + stem + depth * encoder_block_flops(tokens, dm, ff)


def encoder_layers(d: dict[str, Any], stem: int, depth: int, block: int) -> dict[str, int]:
    """frontend (buffers only), stem, encoder_blocks.i, encoder_norm: the encoder of a model
    that decodes or classifies after it."""
    out = {"frontend": 0, "stem": stem}
    out.update({f"encoder_blocks.{i}": block for i in range(depth)})
    out["encoder_norm"] = layer_norm(d["d_model"])
    return out


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """frontend, stem, blocks.i, final_norm, head."""
    dm = dims["d_model"]
    out = {"frontend": 0, "stem": stem_params(dims, stft_frames(dims, dims["clip_samples"]))}
    block = encoder_block_params(dm, dims["d_ff"])
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = layer_norm(dm)
    out["head"] = linear(dm, dims["num_classes"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One clip of clip_samples, the head on the pooled token."""
    frames = stft_frames(dims, dims["clip_samples"])
    encoder = encoder_flops(dims, frames, frames, dims["n_layers"], dims["d_ff"])
    return encoder + 2 * dims["d_model"] * dims["num_classes"]
