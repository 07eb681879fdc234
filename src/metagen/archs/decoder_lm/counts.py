"""Exact parameters, forward FLOPs and per-component costs of `decoder_lm` (model.py), from
dims alone; the VLM and the audio LM count their language models with these too, and CLIP's
text tower and the other transformers share the norm, projection and activation costs. Pure
Python.

FLOPs follow FlopCounterMode (blueprint/counting.py): 2*m*n*k per matmul, 4 * T * T * d per
attention call with no discount for the causal mask; embeddings, norms and biases are free.
Kernels and activations follow the ops a float32 forward dispatches (blueprint/cost.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    elementwise,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
    MLP_MATRICES,
    NORM_PARAMS_PER_CHANNEL,
    linear,
    pick,
)

LEARNED_POSITION_TABLE = {"rope": False, "learned": True}
# nn/mlp.py's GELUs: one kernel each, but quick_gelu is x * sigmoid(1.702 x), three
GELU_KERNELS = {"gelu": 1, "gelu_tanh": 1, "quick_gelu": 3}
# rope_inv_freq's extra ops over the head_dim/2 frequencies, per rope_scaling: a division
# (linear); Llama 3.1's wavelengths, blend and two selections (llama3)
ROPE_SCALING_KERNELS = {"linear": 1, "llama3": 16}


def kv_dim(d: dict[str, Any]) -> int:
    """Width of the keys (and of the values): fewer heads than the queries under GQA."""
    return d["n_kv_heads"] * (d["d_model"] // d["n_heads"])


def qkv_bias(d: dict[str, Any]) -> bool:
    """Whether q, k and v have biases: `qkv_bias` where set (Qwen2), else `bias`. Dims planned
    before the field existed lack it."""
    own = d.get("qkv_bias")
    return bool(d["bias"] if own is None else own)


def block_params(d: dict[str, Any]) -> int:
    """One block: attention (GQA), a GELU or SwiGLU MLP and two norms."""
    dm, ff, bias = d["d_model"], d["d_ff"], d["bias"]
    qkv = linear(dm, dm + 2 * kv_dim(d), qkv_bias(d))
    attention = qkv + linear(dm, dm, bias)
    mlp_in = (pick(MLP_MATRICES, d, "mlp") - 1) * linear(dm, ff, bias)  # SwiGLU: gate and up
    mlp = mlp_in + linear(ff, dm, bias)
    norms = 2 * pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm
    return attention + mlp + norms


def block_flops(d: dict[str, Any], tokens: int) -> int:
    """One block over `tokens` positions: projections, attention and the MLP."""
    return block_cost(d, tokens).flops


def rms_norm_cost(tokens: int, width: int) -> Cost:
    """nn/norm.py's RMSNorm, written by hand: pow, mean, + eps, rsqrt, then the two scalings
    (in float32 its casts dispatch nothing)."""
    return elementwise(tokens * width, 3) + elementwise(tokens, 3)


NORM_COSTS: dict[str, Callable[[int, int], Cost]] = {
    "rmsnorm": rms_norm_cost,
    "layernorm": layer_norm_cost,
}


def norm_cost(kind: str, tokens: int, width: int) -> Cost:
    """The norm named `kind` (nn/norm.py's NORM_LAYERS) over `tokens` rows of `width`."""
    return NORM_COSTS[kind](tokens, width)


def sequence_linear_cost(tokens: int, d_in: int, d_out: int, bias: bool) -> Cost:
    """A Linear over a sequence (B, T, d_in): one addmm with a bias; without one, matmul's mm
    and the _unsafe_view that gives its result the sequence's shape, which the dispatcher
    runs as an op of its own."""
    matmul = linear_cost(tokens, d_in, d_out)
    return matmul if bias else matmul + elementwise(tokens * d_out)


def gelu_cost(elements: int, activation: str = "gelu") -> Cost:
    """The GELU that `activation` names (GELU_KERNELS) over `elements`."""
    return elementwise(elements, GELU_KERNELS[activation])


def bool_mask_cost(mask_elements: int) -> Cost:
    """scaled_dot_product_attention given a bool mask: it turns it into an additive one (two
    scalar fills and a where over the mask)."""
    return elementwise(1, 2) + elementwise(mask_elements)


def sliding_window_mask_cost(tokens: int) -> Cost:
    """nn/attention.py's sliding_window_mask over `tokens` queries and keys (two aranges,
    then le, sub, lt and and over the (T, T) grid), and SDPA's use of it."""
    return elementwise(tokens, 2) + elementwise(tokens * tokens, 4) + bool_mask_cost(tokens**2)


def rope_cost(tokens: int, width: int) -> Cost:
    """apply_rope on q or k (`width` = heads * head_dim per position): the negated half, the
    rotated copy's cat, two products and their sum."""
    return elementwise(tokens * width // 2) + elementwise(tokens * width, 4)


def rope_table_cost(tokens: int, head_dim: int, scaling: str | None) -> Cost:
    """rope_cos_sin for `tokens` positions: the head_dim/2 frequencies (arange, divide, power,
    reciprocal, scale, and the rescaling's ops), the positions as floats, their outer product
    with the frequencies, its cat with itself, then cos and sin."""
    half = head_dim // 2
    scaling_ops = 0 if scaling is None else ROPE_SCALING_KERNELS[scaling]
    frequencies = elementwise(half, 5 + scaling_ops)
    angles = elementwise(tokens) + elementwise(tokens * half)
    return frequencies + angles + elementwise(tokens * head_dim, 3)


def mlp_cost(d: dict[str, Any], tokens: int) -> Cost:
    """The block's MLP: SwiGLU (gate and up projections, SiLU, their product, the output
    projection) or the GELU MLP (in, the GELU `activation` names, out)."""
    dm, ff, bias = d["d_model"], d["d_ff"], d["bias"]
    out = sequence_linear_cost(tokens, ff, dm, bias)
    if d["mlp"] == "swiglu":
        gate_up = 2 * sequence_linear_cost(tokens, dm, ff, bias)
        return gate_up + elementwise(tokens * ff, 2) + out
    act = gelu_cost(tokens * ff, d.get("activation", "gelu"))
    return sequence_linear_cost(tokens, dm, ff, bias) + act + out


def causal_attention_cost(d: dict[str, Any], tokens: int) -> Cost:
    """CausalSelfAttention without a cache: the fused qkv projection, RoPE on q and k (rope
    only), the sliding window's mask once the sequence passes it, one SDPA call (GQA needs no
    copies of k and v) and the output projection. y's transpose back is free: the CPU kernel
    writes y in that layout already."""
    dm, kv = d["d_model"], kv_dim(d)
    out = sequence_linear_cost(tokens, dm, dm + 2 * kv, qkv_bias(d))
    if not pick(LEARNED_POSITION_TABLE, d, "position"):
        out += rope_cost(tokens, dm) + rope_cost(tokens, kv)
    window = d.get("sliding_window")
    if window is not None and tokens > window:
        out += sliding_window_mask_cost(tokens)
    out += attention_cost(tokens, dm, d["n_heads"])
    return out + sequence_linear_cost(tokens, dm, dm, d["bias"])


def block_cost(d: dict[str, Any], tokens: int) -> Cost:
    """One pre-norm block over `tokens` positions: two norms, attention, the MLP and the two
    residual adds."""
    dm = d["d_model"]
    norms = 2 * norm_cost(d["norm"], tokens, dm)
    residuals = elementwise(tokens * dm, 2)
    return norms + causal_attention_cost(d, tokens) + mlp_cost(d, tokens) + residuals


def position_cost(d: dict[str, Any], tokens: int) -> Cost:
    """What the model's forward computes for the positions: their arange, then the learned
    table's add or the RoPE table."""
    dm = d["d_model"]
    if pick(LEARNED_POSITION_TABLE, d, "position"):
        return elementwise(tokens) + elementwise(tokens * dm)
    return elementwise(tokens) + rope_table_cost(tokens, dm // d["n_heads"], d.get("rope_scaling"))


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """token_embedding, position_embedding (learned only), blocks.i, final_norm, lm_head (0
    when tied: it shares the embedding)."""
    dm, vocab = dims["d_model"], dims["vocab_size"]
    out = {"token_embedding": vocab * dm}
    if pick(LEARNED_POSITION_TABLE, dims, "position"):
        out["position_embedding"] = dims["context_length"] * dm
    block = block_params(dims)
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["final_norm"] = pick(NORM_PARAMS_PER_CHANNEL, dims, "norm") * dm
    out["lm_head"] = 0 if dims["tie_embeddings"] else vocab * dm
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sequence of seq_len tokens (default context_length), the LM head included."""
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One sequence of seq_len tokens (default context_length): the lookups, the blocks, the
    final norm and the LM head (bias-free) on every position; the forward's own positions."""
    t = dims["context_length"] if seq_len is None else seq_len
    dm = dims["d_model"]
    out = {"token_embedding": elementwise(t * dm)}
    if pick(LEARNED_POSITION_TABLE, dims, "position"):
        out["position_embedding"] = elementwise(t * dm)
    out["blocks"] = dims["n_layers"] * block_cost(dims, t)
    out["final_norm"] = norm_cost(dims["norm"], t, dm)
    out["lm_head"] = sequence_linear_cost(t, dm, dims["vocab_size"], bias=False)
    out["forward"] = position_cost(dims, t)
    return out
