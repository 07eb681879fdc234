"""Exact parameters and forward FLOPs of the fastText classifier (model.py), from dims alone.
Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.counting import linear


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """token_embedding, ngram_embedding (hashed bigrams), head; an embedding row holds
    d_model features and a pooling score."""
    d = dims["d_model"] + 1
    return {
        "token_embedding": dims["vocab_size"] * d,
        "ngram_embedding": dims["ngram_buckets"] * d,
        "head": linear(dims["d_model"], dims["num_outputs"]),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One text: the head's matrix product (a lookup and a mean are no multiply-adds)."""
    return 2 * dims["d_model"] * dims["num_outputs"]
