"""Exact parameters and forward FLOPs of the anomaly autoencoder (`archs/anomaly_autoencoder/model.py`)
from dims alone. Pure Python; `counts.py` registers them in ARCH_COUNTS."""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

ANOMALY_AUTOENCODER_REQUIRED = (
    "window",
    "channels",
    "d_model",
    "n_layers",
    "latent_dim",
    "variational",
)


def _mlp_matrices(d_in: int, d_model: int, n_layers: int, d_out: int) -> tuple[int, int]:
    """(weights, biases) of a ReconstructionMLP."""
    weights = d_in * d_model + (n_layers - 1) * d_model * d_model + d_model * d_out
    return weights, n_layers * d_model + d_out


def _sides(d: Dims) -> tuple[tuple[int, int], tuple[int, int]]:
    size = d["window"] * d["channels"]
    latent_out = d["latent_dim"] * (2 if d["variational"] else 1)
    encoder = _mlp_matrices(size, d["d_model"], d["n_layers"], latent_out)
    decoder = _mlp_matrices(d["latent_dim"], d["d_model"], d["n_layers"], size)
    return encoder, decoder


def anomaly_autoencoder_layers(d: Dims) -> dict[str, int]:
    encoder, decoder = _sides(d)
    return {"encoder": sum(encoder), "decoder": sum(decoder)}


def anomaly_autoencoder_flops(d: Dims, seq_len: int | None) -> int:
    encoder, decoder = _sides(d)
    return 2 * (encoder[0] + decoder[0])
