"""The fastText classifier: its parameter count against the built model, its pool against a
plain-Python recount (fastText's mean while the scores are zero, the score-weighted mean
after), padding that changes nothing, and the solver's shape at the default budget."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
import torch

from metagen.archs.fasttext.counts import layers
from metagen.archs.fasttext.model import BIGRAM_HASH_PRIME, FastText, FastTextConfig
from metagen.archs.fasttext.shapes import MIN_NGRAM_BUCKETS, NGRAM_BUCKETS, grid
from metagen.archs.registry import arch
from metagen.blueprint.solver import deepest_fit

DIMS = {"vocab_size": 50, "ngram_buckets": 23, "d_model": 6, "num_outputs": 3}


def built(**dims) -> FastText:
    torch.manual_seed(0)
    return FastText(FastTextConfig(**{**DIMS, **dims}))


@pytest.mark.parametrize(
    "dims",
    [
        DIMS,
        {**DIMS, "d_model": 64, "num_outputs": 5, "vocab_size": 32_768, "ngram_buckets": 131_072},
    ],
)
def test_counts_equal_the_built_model(dims) -> None:
    model = built(**dims)
    assert sum(layers(dims).values()) == model.get_num_params()
    for name, count in layers(dims).items():
        assert sum(p.numel() for p in getattr(model, name).parameters()) == count, name


def reference_pool(model: FastText, ids: list[int]) -> list[float]:
    """The softmax-of-scores weighted mean of a text's word rows and bigram rows, in plain
    Python: no tensors, no masks."""
    words = model.token_embedding.weight.tolist()
    grams = model.ngram_embedding.weight.tolist()
    buckets = model.config.ngram_buckets
    rows = [words[i] for i in ids]
    rows += [grams[(a * BIGRAM_HASH_PRIME + b) % buckets] for a, b in pairwise(ids)]
    top = max(row[-1] for row in rows)
    weights = [math.exp(row[-1] - top) for row in rows]
    total = sum(weights)
    width = model.config.d_model
    return [
        sum(w * row[c] for w, row in zip(weights, rows, strict=True)) / total for c in range(width)
    ]


def test_fresh_scores_pool_to_fasttexts_plain_mean() -> None:
    model = built()
    assert not model.token_embedding.weight[:, -1].any()
    assert not model.ngram_embedding.weight[:, -1].any()
    ids = [3, 17, 3, 42, 9]
    words = model.token_embedding.weight[ids, :-1]
    pairs = [(a * BIGRAM_HASH_PRIME + b) % DIMS["ngram_buckets"] for a, b in pairwise(ids)]
    grams = model.ngram_embedding.weight[pairs, :-1]
    expected = torch.cat([words, grams]).mean(0)
    got = model.forward_features(torch.tensor([ids]), torch.ones(1, len(ids)))
    torch.testing.assert_close(got[0], expected)


def test_the_pool_matches_a_plain_python_recount_once_scores_are_learned() -> None:
    model = built()
    with torch.no_grad():
        model.token_embedding.weight[:, -1].normal_(0.0, 2.0)
        model.ngram_embedding.weight[:, -1].normal_(0.0, 2.0)
    texts = [[5, 1, 44, 44, 30, 2], [7, 8]]
    ids = torch.zeros(2, 6, dtype=torch.long)
    mask = torch.zeros(2, 6, dtype=torch.long)
    for row, text in enumerate(texts):
        ids[row, : len(text)] = torch.tensor(text)
        mask[row, : len(text)] = 1
    got = model.forward_features(ids, mask)
    for row, text in enumerate(texts):
        torch.testing.assert_close(got[row], torch.tensor(reference_pool(model, text)))
    logits = model(ids, mask)
    torch.testing.assert_close(logits, model.head(got))


def test_padding_and_leading_dims_change_nothing() -> None:
    model = built()
    ids = torch.tensor([[4, 9, 16, 25]])
    alone = model(ids, torch.ones_like(ids))
    padded = torch.tensor([[4, 9, 16, 25, 0, 0, 7]])
    mask = torch.tensor([[1, 1, 1, 1, 0, 0, 0]])
    torch.testing.assert_close(model(padded, mask), alone)
    torch.testing.assert_close(model(ids), alone)  # no mask: every token is text
    pair = torch.stack([padded, padded], dim=1)  # (B, 2, T): an embedding pair
    assert model(pair, torch.stack([mask, mask], dim=1)).shape == (1, 2, DIMS["num_outputs"])


def test_a_one_token_text_has_no_bigram() -> None:
    model = built()
    ids = torch.tensor([[11, 0, 0]])
    got = model.forward_features(ids, torch.tensor([[1, 0, 0]]))
    torch.testing.assert_close(got[0], model.token_embedding.weight[11, :-1])


def test_constructor_names_a_bad_value() -> None:
    with pytest.raises(ValueError, match="ngram_buckets must be positive, got 0"):
        FastTextConfig(ngram_buckets=0)


def test_default_budget_plans_64_wide_rows_and_all_buckets() -> None:
    row = arch("fasttext")
    fixed = {"vocab_size": 32_768, "num_outputs": 5, "dropout": 0.0}
    (shape,) = grid(fixed, row.default_budget)
    fit = deepest_fit("fasttext", shape, row.default_budget)
    assert fit is not None
    assert (fit.dims["d_model"], fit.dims["ngram_buckets"]) == (64, NGRAM_BUCKETS)


def test_a_small_budget_halves_the_bucket_rows_until_the_narrowest_fits() -> None:
    fixed = {"vocab_size": 1_000, "num_outputs": 2, "dropout": 0.0}
    (shape,) = grid(fixed, 100_000)
    buckets = shape.build(1)["ngram_buckets"]
    assert MIN_NGRAM_BUCKETS <= buckets < NGRAM_BUCKETS
    narrowest = sum(layers(shape.build(1)).values())
    wider_buckets = sum(layers({**shape.build(1), "ngram_buckets": 2 * buckets}).values())
    assert narrowest <= 100_000 < wider_buckets
    assert deepest_fit("fasttext", shape, 100_000) is not None
