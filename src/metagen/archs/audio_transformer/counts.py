"""Exact parameters, forward FLOPs and costs of the audio classifier (model.py), from dims
alone, and the log-mel encoder that the audio LM and the speech recognizers share. Pure
Python.

FLOPs follow FlopCounterMode (blueprint/counting.py), which counts the mel projection (a
matmul) and the convolutions but not the STFT (an FFT, outside its registry). Costs
(kernels, activations) follow the ops the batch-1 forward dispatches (blueprint/cost.py).
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, elementwise, encoder_block_cost, linear_cost, total
from metagen.blueprint.counting import encoder_block_params, layer_norm, linear


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


def log_mel_cost(d: dict[str, Any], samples: int, frames: int) -> Cost:
    """nn/audio_frontend.py over a clip of `samples`, `frames` of its STFT frames kept for the
    log scaling (Whisper's drops the last): the reflect pad, the window, the FFT (no counted
    FLOP) and its in-place transpose, the power (two squares and an add), the mel projection
    (a bmm, then the view it copies through), log10 of the clamped power, the clip's peak (a
    max and a shift, one element each), the floor 8 decades below it and (x + 4) / 4."""
    n_fft, mels = d["n_fft"], d["n_mels"]
    stft, bins = stft_frames(d, samples), n_fft // 2 + 1
    windows = Cost(0, 2, samples + 2 * (n_fft // 2) + stft * n_fft)  # the pad, the window
    power = elementwise(stft * bins, 5)  # the FFT, its transpose, two squares and an add
    projection = Cost(2 * stft * bins * mels, 2, 2 * stft * mels)
    log_scale = elementwise(frames * mels, 5) + elementwise(1, 2)
    return windows + power + projection + log_scale


def stem_cost(d: dict[str, Any], frames: int) -> Cost:
    """The stem over `frames` mel frames: each conv and its GELU, then the position add."""
    dm, tokens = d["d_model"], audio_tokens(frames)
    conv1 = Cost(2 * frames * 3 * d["n_mels"] * dm, 1, frames * dm) + elementwise(frames * dm)
    conv2 = Cost(2 * tokens * 3 * dm * dm, 1, tokens * dm) + elementwise(tokens * dm)
    return conv1 + conv2 + elementwise(tokens * dm)


def front_costs(d: dict[str, Any], samples: int, frames: int) -> dict[str, Cost]:
    """frontend and stem over a clip of `samples`, `frames` of its mel frames kept."""
    return {"frontend": log_mel_cost(d, samples, frames), "stem": stem_cost(d, frames)}


def encoder_costs(
    d: dict[str, Any], samples: int, frames: int, depth: int, block: Cost
) -> dict[str, Cost]:
    """frontend, stem, `depth` encoder_blocks of `block` each and encoder_norm: the encoder of
    a model that decodes or classifies after it."""
    tokens = audio_tokens(frames)
    return {
        **front_costs(d, samples, frames),
        "encoder_blocks": depth * block,
        "encoder_norm": elementwise(tokens * d["d_model"]),
    }


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
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One clip of clip_samples: the encoder (blueprint's encoder blocks), the forward's mean
    over time and the head on the pooled token."""
    dm, samples = dims["d_model"], dims["clip_samples"]
    frames = stft_frames(dims, samples)
    tokens = audio_tokens(frames)
    block = encoder_block_cost(tokens, dm, dims["d_ff"], dims["n_heads"])
    return {
        **front_costs(dims, samples, frames),
        "blocks": dims["n_layers"] * block,
        "final_norm": elementwise(tokens * dm),
        "forward": elementwise(dm),  # the mean over time
        "head": linear_cost(1, dm, dims["num_classes"]),
    }
