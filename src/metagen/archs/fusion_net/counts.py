"""Exact parameters and forward FLOPs of the fusion network (model.py), from dims alone. Pure
Python. Convolutions count 2 * outputs * kernel * inputs / groups; batch norms, activations,
embeddings, the spiking neurons and the CfC's gate are free (blueprint/counting.py)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from metagen.blueprint.counting import (
    attention_flops,
    attention_params,
    cfc_cell_flops,
    encoder_block_flops,
    layer_norm,
    linear,
    modality_encoder_params,
    modality_fusion_params,
)

TEXT_VOCAB = 257  # the 256 bytes and the padding id
AUDIO_N_FFT, AUDIO_HOP = 400, 160


def _half(n: int) -> int:
    """A stride-2 conv's output length with kernel 3 and padding 1 (or 5 and 2)."""
    return (n - 1) // 2 + 1


def tokens(dims: dict[str, Any], name: str) -> int:
    """How many tokens a modality's encoder reads: its preprocessor's, or align_steps for a
    time-based input when the inputs are aligned."""
    if dims.get("align_steps") and name in ("audio", "sensor", "video"):
        return dims["align_steps"]
    return preprocessor_tokens(dims, name)


def preprocessor_tokens(dims: dict[str, Any], name: str) -> int:
    """How many tokens a modality's preprocessor gives."""
    if name == "image":
        return _half(_half(dims["image_size"])) ** 2
    if name == "text":
        return dims["text_len"]
    if name == "audio":
        return _half(1 + dims["audio_samples"] // AUDIO_HOP)
    if name == "sensor":
        return _half(_half(dims["sensor_steps"]))
    if name == "video":
        return _half(dims["video_frames"])
    return dims["num_features"]


def _conv(c_in: int, c_out: int, kernel: int, groups: int = 1) -> int:
    return c_in // groups * c_out * kernel


def _image(dims: dict[str, Any]) -> tuple[int, int]:
    """(params, FLOPs) of the image preprocessor."""
    d, half, c = dims["d_model"], dims["d_model"] // 2, dims["image_channels"]
    s1, s2 = _half(dims["image_size"]), _half(_half(dims["image_size"]))
    params = _conv(c, half, 9) + 2 * half  # the stem and its batch norm
    flops = 2 * s1 * s1 * _conv(c, half, 9)
    kind = dims["vision"]
    if kind == "simple":
        params += _conv(half, d, 9) + 2 * d
        flops += 2 * s2 * s2 * _conv(half, d, 9)
    elif kind == "resnet":
        convs = _conv(half, d, 9) + _conv(d, d, 9) + _conv(half, d, 1)
        params += convs + 3 * 2 * d
        flops += 2 * s2 * s2 * convs
    else:
        convs = _conv(half, half, 9, groups=half) + _conv(half, d, 1)
        params += convs + 2 * half + 2 * d
        flops += 2 * s2 * s2 * convs
    return params + s2 * s2 * d, flops


def _preprocess(dims: dict[str, Any], name: str) -> tuple[int, int]:
    d, t = dims["d_model"], preprocessor_tokens(dims, name)
    if name == "image":
        return _image(dims)
    if name == "text":
        return TEXT_VOCAB * d + dims["text_len"] * d, 0
    if name == "audio":
        mels, frames = dims["n_mels"], 1 + dims["audio_samples"] // AUDIO_HOP
        mel = 2 * frames * (AUDIO_N_FFT // 2 + 1) * mels
        return linear(3 * mels, d) + t * d, mel + 2 * t * 3 * mels * d
    if name == "sensor":
        ch, t1 = dims["sensor_channels"], _half(dims["sensor_steps"])
        params = linear(5 * ch, d) + linear(3 * d, d) + t * d
        return params, 2 * t1 * 5 * ch * d + 2 * t * 3 * d * d
    if name == "video":
        return _video(dims)
    return 2 * dims["num_features"] * d, 0


def _video(dims: dict[str, Any]) -> tuple[int, int]:
    """(params, FLOPs) of the video preprocessor: two 3x3x3 convs with batch norms, the
    positions; the first keeps the frames, the second halves them."""
    d, half, c, frames = (
        dims["d_model"],
        dims["d_model"] // 2,
        dims["video_channels"],
        dims["video_frames"],
    )
    h1, w1 = _half(dims["video_height"]), _half(dims["video_width"])
    params = _conv(c, half, 27) + 2 * half + _conv(half, d, 27) + 2 * d + _half(frames) * d
    flops = 2 * frames * h1 * w1 * _conv(c, half, 27)
    flops += 2 * _half(frames) * _half(h1) * _half(w1) * _conv(half, d, 27)
    return params, flops


def _encoder_flops(dims: dict[str, Any], t: int) -> int:
    d, kind, layers = dims["d_model"], dims["encoder"], dims["n_layers"]
    flops = 0
    if kind == "transformer":
        flops += layers * encoder_block_flops(t, d, dims["d_ff"])
    if kind in ("lif", "cfc_lif"):
        flops += (layers + 1) * 2 * t * d * d
    if kind in ("cfc", "cfc_lif"):
        flops += t * cfc_cell_flops(d, d, d, 1, "gated")
    return flops


def _cross_attention_flops(d: int, queries: int, keys: int) -> int:
    """nn.MultiheadAttention: q, k and v projections, the attention, the output."""
    return 2 * queries * d * d * 2 + 2 * keys * d * d * 2 + attention_flops(queries, d, keys)


def _fusion_flops(dims: dict[str, Any]) -> int:
    d, names, strategy = dims["d_model"], dims["modalities"], dims["strategy"]
    counts = [tokens(dims, m) for m in names]
    total = sum(counts)
    if strategy == "early":
        return dims["n_layers"] * encoder_block_flops(total, d, 4 * d)
    if strategy == "late":
        return len(names) * 2 * 2 * d * d
    if strategy == "hybrid":
        return sum(_cross_attention_flops(d, t, total - t) for t in counts)
    if strategy == "cross_attention":
        # the first modality's tokens and the summary query over the others' tokens
        return _cross_attention_flops(d, counts[0] + 1, total - counts[0])
    pairs = len(list(combinations(names, 2)))
    return pairs * 2 * (2 * d * d + d * d) + 2 * 2 * d * d


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """preprocess.<modality>, encoders.<modality> (not for early fusion), fusion, head."""
    d, names = dims["d_model"], dims["modalities"]
    out = {f"preprocess.{m}": _preprocess(dims, m)[0] for m in names}
    if dims["strategy"] != "early":
        for m in names:
            out[f"encoders.{m}"] = modality_encoder_params(
                dims["encoder"], d, dims["n_layers"], dims["d_ff"], d
            )
    learnable = dims["modality_weights"] == "learnable"
    out["fusion"] = modality_fusion_params(
        dims["strategy"], len(names), d, dims["n_layers"], learnable
    )
    out["head"] = layer_norm(d) + linear(d, dims["num_outputs"])
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sample with every modality present."""
    names = dims["modalities"]
    total = sum(_preprocess(dims, m)[1] for m in names)
    if dims["strategy"] != "early":
        total += sum(_encoder_flops(dims, tokens(dims, m)) for m in names)
    return total + _fusion_flops(dims) + 2 * dims["d_model"] * dims["num_outputs"]


__all__ = ["attention_params", "flops", "layers", "tokens"]
