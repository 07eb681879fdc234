"""Exact parameters and forward FLOPs of the sequence tagger (`archs/sequence_tagger/model.py`) from
dims alone. Pure Python; `counts.py` registers them in ARCH_COUNTS. The CRF's scores are
parameters but no forward FLOPs: they are used by the loss and the decoder."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counts_forecast import rnn_layer_flops, rnn_layer_params

Dims = dict[str, Any]

SEQUENCE_TAGGER_REQUIRED = (
    "vocab_size",
    "max_len",
    "encoder",
    "d_model",
    "n_layers",
    "d_ff",
    "num_classes",
    "crf",
)
TAGGER_ENCODER_KINDS = ("transformer", "bilstm")


def _encoder_kind(d: Dims) -> str:
    if d["encoder"] not in TAGGER_ENCODER_KINDS:
        raise ValueError(
            f"encoder must be one of {sorted(TAGGER_ENCODER_KINDS)}, got {d['encoder']!r}"
        )
    return d["encoder"]


def sequence_tagger_layers(d: Dims) -> dict[str, int]:
    dm, ff, k = d["d_model"], d["d_ff"], d["num_classes"]
    layers = {"token_embedding": d["vocab_size"] * dm}
    if _encoder_kind(d) == "transformer":
        layers["position_embedding"] = d["max_len"] * dm
        block = 4 * dm * dm + 4 * dm + (dm * ff + ff) + (ff * dm + dm) + 4 * dm
        layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
        layers["final_norm"] = 2 * dm
    else:
        layer = 2 * rnn_layer_params(4, dm, dm // 2)  # both directions
        layers.update({f"encoder.{i}": layer for i in range(d["n_layers"])})
    layers["head"] = dm * k + k
    if d["crf"]:
        layers["crf"] = k * k + 2 * k
    return layers


def sequence_tagger_flops(d: Dims, seq_len: int | None) -> int:
    """One sentence of seq_len words (default max_len)."""
    t = d["max_len"] if seq_len is None else seq_len
    dm, ff = d["d_model"], d["d_ff"]
    if _encoder_kind(d) == "transformer":
        layer = 2 * t * dm * 4 * dm + 4 * t * t * dm + 2 * 2 * t * dm * ff
    else:
        layer = 2 * rnn_layer_flops(4, dm, dm // 2, t)
    return d["n_layers"] * layer + 2 * t * dm * d["num_classes"]
