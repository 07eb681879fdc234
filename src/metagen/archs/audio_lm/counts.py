"""Exact parameters, forward FLOPs and costs of the audio LM (model.py), from dims alone: the
log-mel prompt encoder of archs/audio_transformer, then a decoder over codec levels. Pure
Python.

FLOPs follow FlopCounterMode (blueprint/counting.py): not the STFT, no discount for the
causal mask. Costs (kernels, activations) follow the ops the batch-1 forward dispatches
(blueprint/cost.py): the decoder's Linears have no bias, so each over (B, T, C) is an mm and
the view it copies through; its RMSNorms and rotary embeddings are written out in ops.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.audio_transformer.counts import (
    audio_tokens,
    encoder_costs,
    encoder_layers,
    stem_params,
    stft_frames,
)
from metagen.archs.decoder_lm.counts import kv_dim, rms_norm_cost
from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    elementwise,
    encoder_block_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
    MLP_MATRICES,
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
    return total(costs(dims, seq_len)).flops


def bias_free_linear_cost(tokens: int, d_in: int, d_out: int) -> Cost:
    """A Linear without bias over (B, T, d_in): an mm, then the view it copies through."""
    return linear_cost(tokens, d_in, d_out) + elementwise(tokens * d_out)


def rope_tables_cost(tokens: int, head_dim: int) -> Cost:
    """nn/rope.py's cos and sin for `tokens` positions (the positions' arange included): the
    frequencies (an arange, a division, a power and its reciprocal, scaled), the positions
    in float, their outer product with the frequencies, doubled by a cat, then cos and sin."""
    half = head_dim // 2
    frequencies = elementwise(half, 5)
    angles = elementwise(tokens, 2) + elementwise(tokens * half)
    return frequencies + angles + elementwise(tokens * head_dim, 3)


def rope_cost(elements: int) -> Cost:
    """apply_rope on a tensor of `elements`: the negated half, the rotated cat, two products
    and their sum."""
    return elementwise(elements // 2) + elementwise(elements, 4)


def _decoder_block_cost(d: dict[str, Any], t: int, s: int) -> Cost:
    """AudioDecoderBlock over t tokens attending to s prompt tokens (their keys and values
    apart): three RMSNorms and residual adds, causal GQA self-attention with RoPE on queries
    and keys, cross-attention and the SwiGLU MLP."""
    dm, kv, ff, heads = d["d_model"], kv_dim(d), d["d_ff"], d["n_heads"]
    self_attention = bias_free_linear_cost(t, dm, dm + 2 * kv) + rope_cost(t * dm)
    self_attention += rope_cost(t * kv) + attention_cost(t, dm, heads)
    cross_attention = bias_free_linear_cost(t, dm, dm) + attention_cost(t, dm, heads, s)
    out_projections = 2 * bias_free_linear_cost(t, dm, dm)
    mlp = 2 * bias_free_linear_cost(t, dm, ff) + elementwise(t * ff, 2)  # SiLU, the gating
    mlp += bias_free_linear_cost(t, ff, dm)
    norms_and_adds = 3 * rms_norm_cost(t, dm) + elementwise(t * dm, 3)
    return self_attention + cross_attention + out_projections + mlp + norms_and_adds


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One prompt clip of prompt_samples and seq_len decoder tokens (default context_length).
    The forward projects each block's cross-attention keys and values from the prompt by
    calling the block's kv_proj itself: FlopCounterMode credits their FLOPs to the forward,
    the module tracker their kernels to the blocks. The forward also builds the RoPE tables."""
    t = dims["context_length"] if seq_len is None else seq_len
    dm, samples, depth = dims["d_model"], dims["prompt_samples"], dims["n_layers"]
    frames = stft_frames(dims, samples)
    s = audio_tokens(frames)
    encoder_block = encoder_block_cost(s, dm, dims["encoder_d_ff"], dims["n_heads"])
    memory_kv = bias_free_linear_cost(s, dm, 2 * dm)
    block = _decoder_block_cost(dims, t, s) + Cost(0, memory_kv.kernels, memory_kv.activations)
    rope = rope_tables_cost(t, dm // dims["n_heads"])
    return {
        **encoder_costs(dims, samples, frames, dims["encoder_layers"], encoder_block),
        "token_embedding": elementwise(t * dm),
        "blocks": depth * block,
        "final_norm": rms_norm_cost(t, dm),
        "lm_head": bias_free_linear_cost(t, dm, dims["n_levels"]),
        "forward": Cost(depth * memory_kv.flops) + rope,
    }
