"""Counting pieces that every arch's counts.py shares: the parameters and forward FLOPs of
common layers, from numbers alone (no torch; `metagen plan` runs without it).

FLOPs follow torch.utils.flop_counter: 2*m*n*k per matmul (biases, norms, activations,
pooling and embeddings are free), 2 * output pixels * kernel area * c_in * c_out per
convolution, and 4 * heads * T_q * T_k * head_dim per attention call, with no discount for a
causal mask. The tests check every arch's counts against the built module and that counter.
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

NORM_PARAMS_PER_CHANNEL = {"rmsnorm": 1, "layernorm": 2}  # scale; scale and bias
MLP_MATRICES = {"swiglu": 3, "gelu": 2}


def pick(table: dict[str, Any], dims: Dims, key: str) -> Any:
    """table[dims[key]], or a ValueError that names the value and the choices."""
    value = dims[key]
    if value not in table:
        raise ValueError(f"{key} must be one of {sorted(table)}, got {value!r}")
    return table[value]


def linear(d_in: int, d_out: int, bias: bool = True) -> int:
    return d_in * d_out + (d_out if bias else 0)


def conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    """A conv without bias, then BatchNorm (scale and shift)."""
    return c_in * c_out * kernel * kernel + 2 * c_out


def conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    """The output length of a convolution along one axis."""
    return (size + 2 * padding - kernel) // stride + 1


def layer_norm(width: int) -> int:
    return 2 * width


def attention_params(d_model: int, bias: bool = True, kv_dim: int | None = None) -> int:
    """Query, key and value projections (keys and values of `kv_dim`, GQA) and the output."""
    kv = d_model if kv_dim is None else kv_dim
    return linear(d_model, d_model + 2 * kv, bias) + linear(d_model, d_model, bias)


def gelu_mlp_params(d_model: int, d_ff: int, bias: bool = True) -> int:
    return linear(d_model, d_ff, bias) + linear(d_ff, d_model, bias)


def encoder_block_params(d_model: int, d_ff: int) -> int:
    """A pre- or post-norm transformer encoder block: two LayerNorms, attention and a GELU
    MLP, biases everywhere (ViT, BERT, Whisper's encoder)."""
    return 2 * layer_norm(d_model) + attention_params(d_model) + gelu_mlp_params(d_model, d_ff)


def attention_flops(tokens: int, d_model: int, context: int | None = None) -> int:
    """q @ k^T and scores @ v over all heads, for `tokens` queries over `context` keys."""
    return 4 * tokens * (tokens if context is None else context) * d_model


def encoder_block_flops(tokens: int, d_model: int, d_ff: int) -> int:
    """Projections, attention and the MLP of one encoder block over `tokens` tokens."""
    projections = 2 * tokens * d_model * 4 * d_model
    return projections + attention_flops(tokens, d_model) + 2 * 2 * tokens * d_model * d_ff


def cfc_cell_params(d_in: int, hidden: int, units: int, layers: int, mode: str) -> int:
    """nn/cfc.py's CfC cell: the backbone's Linear layers, then f (and g, a, b, or for "pure"
    A and w_tau per unit) from the backbone's output ([input, state] without a backbone)."""
    width, total = d_in + hidden, 0
    for _ in range(layers):
        total += linear(width, units)
        width = units
    heads = linear(width, hidden) + (2 * hidden if mode == "pure" else 3 * linear(width, hidden))
    return total + heads


def cfc_cell_flops(d_in: int, hidden: int, units: int, layers: int, mode: str) -> int:
    """One step of a CfC cell: its matmuls (the element-wise gate is free)."""
    width, total = d_in + hidden, 0
    for _ in range(layers):
        total += 2 * width * units
        width = units
    return total + 2 * width * hidden * (1 if mode == "pure" else 4)


def modality_encoder_params(kind: str, d: int, n_layers: int, d_ff: int, cfc_units: int) -> int:
    """nn/modality_encoder.py: pre-norm encoder blocks (transformer); a CfC cell of one
    backbone layer (cfc); Linear currents per layer and a linear readout around parameterless
    LIF neurons (lif); the lif layers, then the CfC (cfc_lif)."""
    total = 0
    if kind == "transformer":
        total += n_layers * encoder_block_params(d, d_ff)
    if kind in ("lif", "cfc_lif"):
        total += n_layers * linear(d, d) + linear(d, d)
    if kind in ("cfc", "cfc_lif"):
        total += cfc_cell_params(d, d, cfc_units, 1, "gated")
    return total


def modality_fusion_params(
    strategy: str, modalities: int, d: int, joint_layers: int, learnable: bool
) -> int:
    """nn/modality_fusion.py: the modality weights (when learned), and per strategy: modality
    embeddings and joint encoder blocks (early); a GELU MLP head per modality (late);
    modality embeddings, one multi-head attention and its norm (hybrid; cross_attention adds
    the summary query); the pair and global MLPs (hierarchical)."""
    mlp = linear(d, d) + linear(d, d)
    total = modalities if learnable else 0
    if strategy == "early":
        total += modalities * d + joint_layers * encoder_block_params(d, 4 * d)
    if strategy == "late":
        total += modalities * mlp
    if strategy in ("hybrid", "cross_attention"):
        total += modalities * d + attention_params(d) + layer_norm(d)
    if strategy == "cross_attention":
        total += d
    if strategy == "hierarchical":
        total += linear(2 * d, d) + linear(d, d) + mlp
    return total
