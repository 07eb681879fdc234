"""A fastText classifier (Joulin et al. 2017, "Bag of Tricks for Efficient Text
Classification"): a text's word embeddings and hashed word-bigram embeddings, pooled, then a
linear head. No attention between tokens and no positions: for small labelled sets, which
words a text uses says most of what its label is, and such a model trains in seconds.

Where fastText takes the plain mean, each row here also holds a learned score, and the pool
is the softmax-weighted mean (the scores start at zero: fastText's mean). The scores learn
what TF-IDF's weights know, that "the" says less than "compiler": on five topics of Debian's
fortunes (tests/tasks/classification/) they took held-out accuracy from about 0.61 to 0.65."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_dropout, check_positive
from metagen.nn.pooling import chunk_mean, chunked_text_example

# Multiplier of the bigram hash (a prime, as fastText's): (first * P + second) % ngram_buckets.
BIGRAM_HASH_PRIME = 116_049_371


@dataclass
class FastTextConfig:
    vocab_size: int = 32_768  # word ids (the data resizes it to the trained vocabulary)
    ngram_buckets: int = 131_072  # rows for hashed word bigrams; pairs share a row on collision
    d_model: int = 64
    num_outputs: int = 2  # classes, regression targets, embedding size, or 1 ranking score
    dropout: float = 0.0
    chunks: int | None = None  # above 1: a text is (..., chunks, T), its chunks' outputs averaged

    def __post_init__(self) -> None:
        check_positive(
            vocab_size=self.vocab_size,
            ngram_buckets=self.ngram_buckets,
            d_model=self.d_model,
            num_outputs=self.num_outputs,
            chunks=self.chunks or 1,
        )
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        seq_len = 16  # a text; with chunks, each chunk
        return chunked_text_example(
            self.vocab_size, seq_len, self.chunks or 1, batch_size, generator
        )


def bigram_ids(input_ids: torch.Tensor, buckets: int) -> torch.Tensor:
    """The hashed row of each pair of neighbouring tokens: (N, T) -> (N, T - 1)."""
    return (input_ids[:, :-1] * BIGRAM_HASH_PRIME + input_ids[:, 1:]) % buckets


class FastText(nn.Module):
    """input_ids (..., T) with attention_mask (1: a token, 0: padding) -> outputs
    (..., num_outputs). Leading dims are free: a ranking list (B, L, T) scores every text.
    With config.chunks above 1, a text is its chunks, (..., chunks, T) -> (..., num_outputs)."""

    def __init__(self, config: FastTextConfig) -> None:
        super().__init__()
        self.config = config
        # a row: d_model features, then the score the pool weighs the row by
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model + 1)
        self.ngram_embedding = nn.Embedding(config.ngram_buckets, config.d_model + 1)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.d_model, config.num_outputs)
        # fastText's init: small uniform features; scores of zero pool to the plain mean
        bound = 1.0 / config.d_model
        for table in (self.token_embedding, self.ngram_embedding):
            nn.init.uniform_(table.weight, -bound, bound)
            with torch.no_grad():
                table.weight[:, -1] = 0.0

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Each text's pooled vector (..., C); a text in chunks, its chunks' mean."""
        return chunk_mean(self.text_features, input_ids, attention_mask, self.config.chunks)

    def text_features(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The score-weighted mean (..., C) of each text's token and bigram rows, padding
        left out."""
        lead, T = input_ids.shape[:-1], input_ids.size(-1)
        ids = input_ids.reshape(-1, T)  # (N, T)
        if attention_mask is None:
            mask = torch.ones(ids.shape, dtype=torch.bool, device=ids.device)
        else:
            mask = attention_mask.reshape(-1, T).bool()  # (N, T)
        pairs = mask[:, 1:] & mask[:, :-1]  # (N, T - 1): both tokens of the pair are text
        bigrams = bigram_ids(ids, self.config.ngram_buckets)  # (N, T - 1)
        rows = torch.cat([self.token_embedding(ids), self.ngram_embedding(bigrams)], 1)
        valid = torch.cat([mask, pairs], 1)  # (N, 2T - 1)
        scores = rows[..., -1].masked_fill(~valid, torch.finfo(rows.dtype).min)
        weights = scores.softmax(dim=1)  # (N, 2T - 1), zero on padding
        pooled = (weights[..., None] * rows[..., :-1]).sum(1)  # (N, C)
        return self.dropout(pooled).reshape(*lead, -1)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features)  # (..., num_outputs)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(input_ids, attention_mask))
