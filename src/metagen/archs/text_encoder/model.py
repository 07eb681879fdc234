"""A bidirectional transformer encoder with a pooled head (BERT for sequence classification):
BERT's trunk (the masked-LM encoder's embeddings and blocks), a pooled vector per text, a
linear head."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.bert import BertEncoder, BertEncoderConfig
from metagen.nn.checks import check_choice, check_positive
from metagen.nn.pooling import chunk_mean, chunked_text_example, masked_token_mean


@dataclass
class TextEncoderConfig(BertEncoderConfig):
    """BERT's fields (the pooler, if any, is trained with the head), and the pooling and the
    outputs."""

    vocab_size: int = 320
    type_vocab_size: int = 1
    pool: str = "mean"  # "cls": the first token (bos); "mean": mean over non-padding tokens
    num_outputs: int = 2  # classes, regression targets, embedding size, or 1 ranking score
    chunks: int | None = None  # above 1: a text is (..., chunks, T), its chunks' outputs averaged

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive(num_outputs=self.num_outputs, chunks=self.chunks or 1)
        check_choice("pool", self.pool, ("cls", "mean"))
        if self.pooler and self.pool != "cls":
            raise ValueError(
                f"pooler reads the first token: it needs pool 'cls', got {self.pool!r}"
            )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        """BERT's (unpadded texts), or texts of random lengths in chunks."""
        if self.chunks is None or self.chunks == 1:
            return super().example_inputs(batch_size, generator)
        seq_len = min(self.context_length, 64)
        return chunked_text_example(self.vocab_size, seq_len, self.chunks, batch_size, generator)


class TextEncoder(BertEncoder):
    """input_ids (..., T) -> outputs (..., num_outputs). Leading dims are free: a ranking list
    (B, L, T) scores every text, an embedding pair (B, 2, T) embeds both. With config.chunks
    above 1, a text is its chunks, (..., chunks, T) -> (..., num_outputs). `encode_text`
    gives the embedding task's sentence embeddings: the outputs at unit length."""

    config: TextEncoderConfig

    def __init__(self, config: TextEncoderConfig) -> None:
        super().__init__(config)
        self.head = nn.Linear(config.d_model, config.num_outputs)
        self.init_bert_weights()

    def forward_features(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Each text's pooled vector (..., C); a text in chunks, its chunks' mean."""
        return chunk_mean(self.text_features, input_ids, attention_mask, self.config.chunks)

    def text_features(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The pooled vector (..., C) of each text; attention_mask: 1 for tokens, 0 for padding."""
        lead, T = input_ids.shape[:-1], input_ids.size(-1)
        ids = input_ids.reshape(-1, T)  # (N, T)
        mask = None if attention_mask is None else attention_mask.reshape(-1, T)
        x = self.encode(ids, mask)  # (N, T, C)
        if self.pooler is not None:
            pooled = self.pooler(x)  # (N, C), dense + tanh over the first token
        elif self.config.pool == "cls":
            pooled = x[:, 0]
        else:
            pooled = masked_token_mean(x, mask)
        return pooled.reshape(*lead, -1)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features)  # (..., num_outputs)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(input_ids, attention_mask))

    def encode_text(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Unit-length text embeddings (..., num_outputs): the pooled vector through the head,
        the space the embedding task trains and ranks by cosine similarity. (A classifier's
        outputs are logits; its pooled vector is forward_features.)"""
        return F.normalize(self(input_ids, attention_mask), dim=-1)
