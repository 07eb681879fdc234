"""The fastText classifier's solver grid and smoke dims. Its parameters are its embedding
rows (words and hashed bigrams) times the width, so the width is the knob, in steps of 8."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.archs.fasttext.counts import layers
from metagen.blueprint.shape_builds import Shape

WIDTH_STEP = 8
# fastText's supervised models use 10 to 100 dims; past 256 a bag of words gains nothing.
MAX_WIDTH = 256
# Hashed bigram rows: fastText's 2M suit corpora of millions of texts; a labelled set of
# thousands has tens of thousands of distinct bigrams. Halved until the narrowest model fits.
NGRAM_BUCKETS = 131_072
MIN_NGRAM_BUCKETS = 4_096
# The smoke dims are also what a small training set trains (train.py fits the size to the
# data): on five topics of fortunes (2,684 training texts, 55,305 distinct bigrams), 16,384
# bigram rows lost about a point of held-out accuracy to 65,536 (collisions).
SMOKE_FASTTEXT = {"d_model": 32, "ngram_buckets": 65_536}
# The smoke scale's word vocabulary (its data trains a tokenizer of at most this many words).
SMOKE_VOCAB = 8_192


def _width(fixed: dict[str, Any], buckets: int) -> Any:
    return lambda depth: {**fixed, "ngram_buckets": buckets, "d_model": WIDTH_STEP * depth}


def grid(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """One shape: the most bigram rows (up to NGRAM_BUCKETS) whose narrowest model fits the
    budget, and the width as the knob."""
    buckets = fixed.get("ngram_buckets", NGRAM_BUCKETS)
    narrowest = _width(fixed, buckets)(1)
    while (
        "ngram_buckets" not in fixed
        and buckets > MIN_NGRAM_BUCKETS
        and sum(layers(narrowest).values()) > budget
    ):
        buckets //= 2
        narrowest = _width(fixed, buckets)(1)
    yield Shape(f"ngram_buckets={buckets}", _width(fixed, buckets), 1, MAX_WIDTH // WIDTH_STEP)


def smoke_dims(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, **SMOKE_FASTTEXT, "vocab_size": min(dims["vocab_size"], SMOKE_VOCAB)}
