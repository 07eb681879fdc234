"""Exact parameters, forward FLOPs and per-component costs of the fastText classifier
(model.py), from dims alone. Pure Python."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.cost import Cost, chunked_costs, elementwise, linear_cost, total
from metagen.blueprint.counting import linear

EXAMPLE_TOKENS = 16  # FastTextConfig.example_inputs' text length: the default sample


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
    return total(costs(dims, seq_len)).flops


def pool_cost(tokens: int, d_model: int) -> Cost:
    """forward_features around the lookups, for a text of `tokens` (padded) tokens: the mask
    as bool and its pairs, the bigrams' hash (multiply, add, modulo), the cat of the rows and
    of their validity, the masked softmax of the scores (not, masked_fill, softmax), then the
    weighted rows and their sum."""
    pairs, rows = tokens - 1, 2 * tokens - 1
    mask = elementwise(tokens) + elementwise(pairs, 4)
    joined = elementwise(rows * (d_model + 1)) + elementwise(rows)
    weights = elementwise(rows, 3)
    return mask + joined + weights + elementwise(rows * d_model) + elementwise(d_model)


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One text of seq_len tokens (default: the example's): a lookup per token and per bigram,
    the score-weighted pool, the head on the pooled vector; a text in chunks pools every
    chunk (seq_len tokens each) in the same kernels, and the head reads the chunks' mean."""
    t = EXAMPLE_TOKENS if seq_len is None else seq_len
    row = dims["d_model"] + 1
    one_chunk = {
        "token_embedding": elementwise(t * row),
        "ngram_embedding": elementwise((t - 1) * row),
        "head": linear_cost(1, dims["d_model"], dims["num_outputs"]),
        "forward": pool_cost(t, dims["d_model"]),
    }
    chunks = dims.get("chunks") or 1
    if chunks == 1:
        return one_chunk
    return chunked_costs(one_chunk, chunks, t, dims["d_model"])
