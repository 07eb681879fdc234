"""Exact parameters, forward FLOPs and per-component costs of the anomaly autoencoder
(model.py), from dims alone. Pure Python. Each side is a stack of fully connected layers,
counted as N-BEATS counts its blocks (archs/nbeats/counts.py).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.nbeats.counts import fc_stack, fc_stack_cost
from metagen.blueprint.cost import Cost


def _side_widths(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(d_in, d_out) of the encoder and the decoder, two ReconstructionMLPs; a VAE's encoder
    puts out the latent's mean and log-variance."""
    size = dims["window"] * dims["channels"]
    latent_out = dims["latent_dim"] * (2 if dims["variational"] else 1)
    return {"encoder": (size, latent_out), "decoder": (dims["latent_dim"], size)}


def _sides(dims: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(weights, biases) of the encoder and the decoder."""
    dm, n = dims["d_model"], dims["n_layers"]
    return {side: fc_stack(a, dm, n, b) for side, (a, b) in _side_widths(dims).items()}


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """encoder, decoder."""
    return {side: sum(counts) for side, counts in _sides(dims).items()}


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One window, flattened (a view), through both sides: each hidden layer a linear and a
    GELU, then the output linear. Eval mode decodes the posterior mean (a view of the
    encoder's output), so the forward itself runs nothing."""
    dm, n = dims["d_model"], dims["n_layers"]
    return {side: fc_stack_cost(a, dm, n, b) for side, (a, b) in _side_widths(dims).items()}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window: 2 per weight, one row through every matrix."""
    return 2 * sum(weights for weights, _ in _sides(dims).values())
