"""Exact parameters and forward FLOPs of the anomaly autoencoder (`archs/anomaly_autoencoder/model.py`)
from dims alone. Pure Python."""

from __future__ import annotations

from metagen.blueprint.counting import Dims
from metagen.blueprint.counts_pieces import mlp_stack


def _sides(d: Dims) -> tuple[tuple[int, int], tuple[int, int]]:
    """(weights, biases) of the encoder and the decoder, two ReconstructionMLPs."""
    size, dm, n = d["window"] * d["channels"], d["d_model"], d["n_layers"]
    latent_out = d["latent_dim"] * (2 if d["variational"] else 1)  # mean and log-variance
    return mlp_stack(size, dm, n, latent_out), mlp_stack(d["latent_dim"], dm, n, size)


def anomaly_autoencoder_layers(d: Dims) -> dict[str, int]:
    encoder, decoder = _sides(d)
    return {"encoder": sum(encoder), "decoder": sum(decoder)}


def anomaly_autoencoder_flops(d: Dims, seq_len: int | None) -> int:
    encoder, decoder = _sides(d)
    return 2 * (encoder[0] + decoder[0])  # 2 per weight: one row through every matrix
