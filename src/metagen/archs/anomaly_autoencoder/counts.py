"""Exact parameters and forward FLOPs of the anomaly autoencoder (model.py), from dims alone.
Pure Python. Each side is a stack of fully connected layers, counted as N-BEATS counts its
blocks (archs/nbeats/counts.py).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.nbeats.counts import fc_stack


def _sides(dims: dict[str, Any]) -> tuple[tuple[int, int], tuple[int, int]]:
    """(weights, biases) of the encoder and the decoder, two ReconstructionMLPs."""
    size, dm, n = dims["window"] * dims["channels"], dims["d_model"], dims["n_layers"]
    latent_out = dims["latent_dim"] * (2 if dims["variational"] else 1)  # mean and log-variance
    return fc_stack(size, dm, n, latent_out), fc_stack(dims["latent_dim"], dm, n, size)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """encoder, decoder."""
    encoder, decoder = _sides(dims)
    return {"encoder": sum(encoder), "decoder": sum(decoder)}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window: 2 per weight, one row through every matrix."""
    encoder, decoder = _sides(dims)
    return 2 * (encoder[0] + decoder[0])
