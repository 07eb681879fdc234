"""Exact parameters and forward FLOPs of `encoder_mlm` (archs/encoder_mlm/model.py), from dims alone.

Pure Python, the same conventions as blueprint/counts.py: 2*m*n*k per matmul, 4 * T * T * d
per attention layer, embeddings, norms, biases and activations free. The pooler is not run by
the MLM forward, so it costs parameters but no FLOPs.
"""

from __future__ import annotations

from typing import Any

ENCODER_MLM_REQUIRED = (
    "vocab_size",
    "context_length",
    "type_vocab_size",
    "d_model",
    "n_layers",
    "d_ff",
    "norm_position",
    "pooler",
)
_NORM_POSITIONS = ("post", "pre")


def _dense(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out  # every encoder_mlm linear has a bias


def _layer_norm(d: int) -> int:
    return 2 * d


def encoder_mlm_layers(d: dict[str, Any]) -> dict[str, int]:
    """Parameters per layer: embeddings, blocks.i, final_norm (pre-norm only), pooler (if
    any), mlm_head (its decoder weight is the token embedding, counted there)."""
    if d["norm_position"] not in _NORM_POSITIONS:
        raise ValueError(
            f"norm_position must be one of {list(_NORM_POSITIONS)}, got {d['norm_position']!r}"
        )
    dm, ff, vocab = d["d_model"], d["d_ff"], d["vocab_size"]
    embeddings = (vocab + d["context_length"] + d["type_vocab_size"]) * dm + _layer_norm(dm)
    attention = _dense(dm, 3 * dm) + _dense(dm, dm)
    block = attention + _dense(dm, ff) + _dense(ff, dm) + 2 * _layer_norm(dm)
    layers = {"embeddings": embeddings}
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    if d["norm_position"] == "pre":
        layers["final_norm"] = _layer_norm(dm)
    if d["pooler"]:
        layers["pooler"] = _dense(dm, dm)
    layers["mlm_head"] = _dense(dm, dm) + _layer_norm(dm) + vocab  # transform, norm, bias
    return layers


def encoder_mlm_flops(d: dict[str, Any], seq_len: int | None) -> int:
    """Forward FLOPs of one sequence of seq_len tokens (default context_length)."""
    t = d["context_length"] if seq_len is None else seq_len
    dm, ff = d["d_model"], d["d_ff"]
    block = 2 * t * dm * 3 * dm + 2 * t * dm * dm + 4 * t * t * dm + 2 * 2 * t * dm * ff
    head = 2 * t * dm * dm + 2 * t * dm * d["vocab_size"]
    return d["n_layers"] * block + head
