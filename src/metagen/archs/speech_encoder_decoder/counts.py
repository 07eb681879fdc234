"""Exact parameters, forward FLOPs and costs of the speech encoder-decoder (model.py,
Whisper), from dims alone, and its encoder, which the CTC recognizer (archs/speech_ctc)
shares. Pure Python.

Whisper's encoder is the log-mel encoder of archs/audio_transformer with two differences: its
keys have no bias, and it drops the centred STFT's last frame. FLOPs follow FlopCounterMode
(blueprint/counting.py): the mel projection (a matmul over every STFT frame, before the last
is dropped), the convolutions, the linears and the attention calls; not the STFT (an FFT).
Costs (kernels, activations) follow the ops the batch-1 forward dispatches
(blueprint/cost.py): a Linear without bias over (B, T, C) is an mm and the view it copies
through.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.audio_transformer import counts as audio
from metagen.blueprint.cost import Cost, attention_cost, elementwise, linear_cost, total
from metagen.blueprint.counting import attention_params, encoder_block_params, layer_norm


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


def key_value_cost(tokens: int, d_model: int) -> Cost:
    """SpeechAttention's key (no bias: an mm and its view) and value projections of `tokens`
    positions."""
    key = linear_cost(tokens, d_model, d_model) + elementwise(tokens * d_model)
    return key + linear_cost(tokens, d_model, d_model)


def speech_attention_cost(tokens: int, d_model: int, heads: int, context: int | None) -> Cost:
    """SpeechAttention over `tokens` queries: the query, the keys and values of the tokens
    themselves (self-attention, `context` None), attention and the output projection. Cross-
    attention (`context` keys) reads keys and values projected before (key_value_cost)."""
    own_keys = key_value_cost(tokens, d_model) if context is None else Cost()
    query = linear_cost(tokens, d_model, d_model)
    attend = attention_cost(tokens, d_model, heads, context)
    return query + own_keys + attend + linear_cost(tokens, d_model, d_model)


def gelu_mlp_cost(tokens: int, d_model: int, d_ff: int) -> Cost:
    """GeluMLP with biases: in, GELU, out."""
    up = linear_cost(tokens, d_model, d_ff) + elementwise(tokens * d_ff)
    return up + linear_cost(tokens, d_ff, d_model)


def encoder_block_cost(d: dict[str, Any], tokens: int) -> Cost:
    """SpeechEncoderBlock: two LayerNorms, self-attention, the GELU MLP and two residual adds."""
    dm = d["d_model"]
    attention = speech_attention_cost(tokens, dm, d["n_heads"], None)
    sublayers = attention + gelu_mlp_cost(tokens, dm, d["d_ff"])
    return sublayers + elementwise(tokens * dm, 4)  # the norms and the adds


def encoder_costs(d: dict[str, Any], depth: int) -> dict[str, Cost]:
    """frontend, stem, encoder_blocks, encoder_norm over one clip of clip_samples."""
    block = encoder_block_cost(d, audio_tokens(d))
    return audio.encoder_costs(d, d["clip_samples"], frames(d), depth, block)


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
    return total(costs(dims, seq_len)).flops


def _decoder_block_cost(d: dict[str, Any], t: int, s: int) -> Cost:
    """SpeechDecoderBlock over t tokens: causal self-attention, cross-attention to s audio
    tokens (their keys and values apart), the MLP, three LayerNorms and three adds."""
    dm, heads = d["d_model"], d["n_heads"]
    attention = speech_attention_cost(t, dm, heads, None)
    cross_attention = speech_attention_cost(t, dm, heads, s)
    sublayers = attention + cross_attention + gelu_mlp_cost(t, dm, d["d_ff"])
    return sublayers + elementwise(t * dm, 6)


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One clip of clip_samples and seq_len decoder tokens (default n_text_ctx). The forward
    projects each block's cross-attention keys and values from the audio by calling the
    block's key and value layers itself: FlopCounterMode credits their FLOPs to the forward,
    the module tracker their kernels to the blocks. The forward also makes the positions
    (an arange) and adds the two embeddings; lm_head is bias-free (an mm and its view)."""
    t = dims["n_text_ctx"] if seq_len is None else seq_len
    dm, s, depth = dims["d_model"], audio_tokens(dims), dims["decoder_layers"]
    audio_kv = key_value_cost(s, dm)
    blocks = depth * (
        _decoder_block_cost(dims, t, s) + Cost(0, audio_kv.kernels, audio_kv.activations)
    )
    return {
        **encoder_costs(dims, dims["encoder_layers"]),
        "token_embedding": elementwise(t * dm),
        "position_embedding": elementwise(t * dm),
        "blocks": blocks,
        "final_norm": elementwise(t * dm),
        "lm_head": linear_cost(t, dm, dims["vocab_size"]) + elementwise(t * dims["vocab_size"]),
        "forward": Cost(depth * audio_kv.flops) + elementwise(t) + elementwise(t * dm),
    }
