"""Exact parameters and forward FLOPs of the task encoders (`tabular_mlp`, `text_encoder`,
`series_cnn`: archs/tabular_mlp/model.py, archs/text_encoder/model.py,
archs/series_cnn/model.py), from dims alone. Pure Python; pooling is free.
"""

from __future__ import annotations

from metagen.blueprint.counting import Dims, gelu_mlp_params, layer_norm, linear
from metagen.blueprint.counts_encoder_mlm import bert_encoder_flops, bert_encoder_layers
from metagen.blueprint.counts_pieces import (
    batch_norm,
    conv,
    conv_flops,
    linear_flops,
    mlp_flops,
    stack,
)


def tabular_mlp_layers(d: Dims) -> dict[str, int]:
    """stem, blocks.i (LayerNorm and a two-matrix GELU MLP), final_norm, head."""
    dm = d["d_model"]
    layers = {"stem": linear(d["num_features"], dm)}
    layers.update(stack("blocks", d["n_layers"], layer_norm(dm) + gelu_mlp_params(dm, d["d_ff"])))
    layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(dm, d["num_outputs"])
    return layers


def tabular_mlp_flops(d: Dims, seq_len: int | None) -> int:
    """One row."""
    dm = d["d_model"]
    blocks = d["n_layers"] * mlp_flops(1, dm, d["d_ff"])
    return linear_flops(1, d["num_features"], dm) + blocks + linear_flops(1, dm, d["num_outputs"])


def text_encoder_layers(d: Dims) -> dict[str, int]:
    """The masked-LM encoder's embeddings, blocks.i, final_norm (pre-norm) and pooler, then a
    linear head."""
    return {**bert_encoder_layers(d), "head": linear(d["d_model"], d["num_outputs"])}


def text_encoder_flops(d: Dims, seq_len: int | None) -> int:
    """One text of seq_len tokens (default context_length); the pooler runs on one token."""
    dm = d["d_model"]
    pooler = linear_flops(1, dm, dm) if d["pooler"] else 0
    return bert_encoder_flops(d, seq_len) + pooler + linear_flops(1, dm, d["num_outputs"])


def _conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    """A bias-free Conv1d and its BatchNorm."""
    return conv(c_in, c_out, (kernel,), bias=False) + batch_norm(c_out)


def series_cnn_layers(d: Dims) -> dict[str, int]:
    """stem (conv + BatchNorm), blocks.i (two of them), head."""
    w, k = d["width"], d["kernel_size"]
    layers = {"stem": _conv_bn(d["in_channels"], w, k)}
    layers.update(stack("blocks", d["n_layers"], 2 * _conv_bn(w, w, k)))
    layers["head"] = linear(w, d["num_outputs"])
    return layers


def series_cnn_flops(d: Dims, seq_len: int | None) -> int:
    """One series of series_length steps ("same" padding keeps every conv's length)."""
    t = d["series_length"] if seq_len is None else seq_len
    w, k = d["width"], (d["kernel_size"],)
    convs = conv_flops(t, d["in_channels"], w, k) + d["n_layers"] * 2 * conv_flops(t, w, w, k)
    return convs + linear_flops(1, w, d["num_outputs"])
