"""Exact parameters and forward FLOPs of the audio architectures (`archs/audio_transformer/model.py`,
`archs/audio_lm/model.py`), from dims alone, and the log-mel encoder that the speech
recognizers share. Pure Python.

FlopCounterMode counts the mel projection (a matmul) and the convolutions, not the STFT (an
FFT, outside its registry).
"""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    attention_params,
    encoder_block_flops,
    encoder_block_params,
    layer_norm,
    linear,
)
from metagen.blueprint.counts_decoder_lm import kv_dim
from metagen.blueprint.counts_pieces import (
    conv,
    conv_flops,
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
    mlp_flops,
    mlp_params,
    self_attention_flops,
    stack,
)


def audio_tokens(frames: int) -> int:
    return (frames - 1) // 2 + 1  # after the stem's stride-2 conv


def audio_stem_params(d: Dims, frames: int) -> int:
    """Two Conv1d over the mel frames (the second stride 2) and a table of the tokens."""
    dm = d["d_model"]
    convs = conv(d["n_mels"], dm, (3,)) + conv(dm, dm, (3,))
    return convs + audio_tokens(frames) * dm


def audio_encoder_flops(d: Dims, stft_frames: int, frames: int, layers: int, ff: int) -> int:
    """Mel projection over every STFT frame, the stem over `frames` and `layers` blocks."""
    dm, mels = d["d_model"], d["n_mels"]
    tokens = audio_tokens(frames)
    mel = linear_flops(stft_frames, d["n_fft"] // 2 + 1, mels)
    stem = conv_flops(frames, mels, dm, (3,)) + conv_flops(tokens, dm, dm, (3,))
    return mel + stem + layers * encoder_block_flops(tokens, dm, ff)


def audio_encoder_layers(d: Dims, stem: int, depth: int, block: int) -> dict[str, int]:
    """frontend (buffers only), stem, encoder_blocks.i, encoder_norm."""
    layers = {"frontend": 0, "stem": stem}
    layers.update(stack("encoder_blocks", depth, block))
    layers["encoder_norm"] = layer_norm(d["d_model"])
    return layers


def _frames(d: Dims, samples: int) -> int:
    return 1 + samples // d["hop_length"]  # a centred STFT


def _encoder_flops(d: Dims, samples: int, layers: int, ff: int) -> int:
    frames = _frames(d, samples)
    return audio_encoder_flops(d, frames, frames, layers, ff)


# --- audio_transformer -----------------------------------------------------------------------


def audio_transformer_layers(d: Dims) -> dict[str, int]:
    dm = d["d_model"]
    layers = {"frontend": 0, "stem": audio_stem_params(d, _frames(d, d["clip_samples"]))}
    layers.update(stack("blocks", d["n_layers"], encoder_block_params(dm, d["d_ff"])))
    layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(dm, d["num_classes"])
    return layers


def audio_transformer_flops(d: Dims, seq_len: int | None) -> int:
    encoder = _encoder_flops(d, d["clip_samples"], d["n_layers"], d["d_ff"])
    return encoder + linear_flops(1, d["d_model"], d["num_classes"])


# --- audio_lm --------------------------------------------------------------------------------


def _decoder_block_params(d: Dims) -> int:
    """Causal self-attention (GQA), cross-attention to the prompt, SwiGLU, three RMSNorms;
    no biases."""
    dm = d["d_model"]
    attention = attention_params(dm, False, kv_dim(d)) + cross_attention_params(dm, dm, False)
    return attention + mlp_params(dm, d["d_ff"], 3, False) + 3 * dm


def audio_lm_layers(d: Dims) -> dict[str, int]:
    dm, frames = d["d_model"], _frames(d, d["prompt_samples"])
    encoder_block = encoder_block_params(dm, d["encoder_d_ff"])
    layers = audio_encoder_layers(
        d, audio_stem_params(d, frames), d["encoder_layers"], encoder_block
    )
    layers["token_embedding"] = (d["n_levels"] + 1) * dm
    layers.update(stack("blocks", d["n_layers"], _decoder_block_params(d)))
    layers["final_norm"] = dm
    layers["lm_head"] = linear(dm, d["n_levels"], bias=False)
    return layers


def audio_lm_flops(d: Dims, seq_len: int | None) -> int:
    """One prompt clip of prompt_samples and seq_len decoder tokens (default context_length)."""
    t = d["context_length"] if seq_len is None else seq_len
    dm, samples = d["d_model"], d["prompt_samples"]
    s = audio_tokens(_frames(d, samples))
    encoder = _encoder_flops(d, samples, d["encoder_layers"], d["encoder_d_ff"])
    block = self_attention_flops(t, dm, kv_dim(d)) + cross_attention_flops(t, s, dm, dm)
    block += mlp_flops(t, dm, d["d_ff"], 3)
    return encoder + d["n_layers"] * block + linear_flops(t, dm, d["n_levels"])
