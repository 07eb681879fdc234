"""Exact parameters and forward FLOPs of the task encoders (`tabular_mlp`, `text_encoder`,
`series_cnn`: archs/tabular_mlp/model.py, archs/text_encoder/model.py, archs/series_cnn/model.py), from dims alone.

Pure Python, the conventions of blueprint/counts.py: 2*m*n*k per matmul, 2 * output steps *
kernel * c_in * c_out per convolution, 4 * T * T * d per attention layer; embeddings, norms,
biases, activations and pooling are free.
"""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counts_encoder_mlm import encoder_mlm_layers

TABULAR_MLP_REQUIRED = ("num_features", "d_model", "n_layers", "d_ff", "num_outputs")
TEXT_ENCODER_REQUIRED = (
    "vocab_size",
    "context_length",
    "type_vocab_size",
    "d_model",
    "n_layers",
    "d_ff",
    "norm_position",
    "pooler",
    "num_outputs",
)
SERIES_CNN_REQUIRED = (
    "series_length",
    "in_channels",
    "width",
    "n_layers",
    "kernel_size",
    "num_outputs",
)


def _dense(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out


def tabular_mlp_layers(d: dict[str, Any]) -> dict[str, int]:
    """stem, blocks.i (LayerNorm and a two-matrix GELU MLP), final_norm, head."""
    dm, ff = d["d_model"], d["d_ff"]
    layers = {"stem": _dense(d["num_features"], dm)}
    block = 2 * dm + _dense(dm, ff) + _dense(ff, dm)
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = _dense(dm, d["num_outputs"])
    return layers


def tabular_mlp_flops(d: dict[str, Any], seq_len: int | None) -> int:
    """One row."""
    dm, ff = d["d_model"], d["d_ff"]
    return 2 * d["num_features"] * dm + d["n_layers"] * 4 * dm * ff + 2 * dm * d["num_outputs"]


def text_encoder_layers(d: dict[str, Any]) -> dict[str, int]:
    """The masked-LM encoder's embeddings, blocks.i, final_norm (pre-norm) and pooler, then a
    linear head in place of the MLM head."""
    mlm = encoder_mlm_layers(d)
    layers = {name: n for name, n in mlm.items() if name != "mlm_head"}
    layers["head"] = _dense(d["d_model"], d["num_outputs"])
    return layers


def text_encoder_flops(d: dict[str, Any], seq_len: int | None) -> int:
    """One text of seq_len tokens (default context_length); the pooler runs on one token."""
    t = d["context_length"] if seq_len is None else seq_len
    dm, ff = d["d_model"], d["d_ff"]
    block = 2 * t * dm * 3 * dm + 2 * t * dm * dm + 4 * t * t * dm + 2 * 2 * t * dm * ff
    pooler = 2 * dm * dm if d["pooler"] else 0
    return d["n_layers"] * block + pooler + 2 * dm * d["num_outputs"]


def series_cnn_layers(d: dict[str, Any]) -> dict[str, int]:
    """stem (conv + BatchNorm), blocks.i (two of them), head."""
    w, k = d["width"], d["kernel_size"]
    layers = {"stem": d["in_channels"] * w * k + 2 * w}
    layers.update({f"blocks.{i}": 2 * (w * w * k + 2 * w) for i in range(d["n_layers"])})
    layers["head"] = _dense(w, d["num_outputs"])
    return layers


def series_cnn_flops(d: dict[str, Any], seq_len: int | None) -> int:
    """One series of series_length steps ("same" padding keeps every conv's length)."""
    t = d["series_length"] if seq_len is None else seq_len
    w, k = d["width"], d["kernel_size"]
    convs = 2 * t * k * d["in_channels"] * w + d["n_layers"] * 2 * (2 * t * k * w * w)
    return convs + 2 * w * d["num_outputs"]
