"""BERT's trunk, shared by the masked-LM encoder and the pooled text encoder: its config
fields, token + position + token-type embeddings, the encoder blocks and the pooler."""

import math
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from metagen.nn.checks import check_choice, check_positive
from metagen.nn.encoder import check_encoder_shape, transformer_encoder
from metagen.nn.weight_init import init_transformer_weights


@dataclass
class BertEncoderConfig:
    vocab_size: int = 30522
    context_length: int = 512  # rows of the learned position table
    type_vocab_size: int = 2  # token types (segments A/B in BERT; 1 in RoBERTa)
    d_model: int = 768
    n_layers: int = 12
    n_heads: int = 12
    d_ff: int = 3072
    norm_position: str = "post"  # BERT normalizes after each residual add; "pre" before
    pooler: bool = False  # BERT's dense + tanh over the first token
    norm_eps: float = 1e-12
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            vocab_size=self.vocab_size,
            context_length=self.context_length,
            type_vocab_size=self.type_vocab_size,
        )
        check_choice("norm_position", self.norm_position, ("post", "pre"))
        check_encoder_shape(self)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, min(self.context_length, 64))
        return {"input_ids": torch.randint(self.vocab_size, shape, generator=generator)}


def sinusoid_position_table(rows: int, dim: int) -> torch.Tensor:
    """(rows, dim) sines and cosines of geometric frequencies (Vaswani et al., 2017)."""
    position = torch.arange(rows, dtype=torch.float32)[:, None]  # (rows, 1)
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(rows, dim)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq[: dim // 2])
    return table


class BertEmbeddings(nn.Module):
    """Token + learned position + token-type embeddings, then LayerNorm (BERT)."""

    def __init__(self, config: BertEncoderConfig) -> None:
        super().__init__()
        d = config.d_model
        self.token_embedding = nn.Embedding(config.vocab_size, d)
        self.position_embedding = nn.Embedding(config.context_length, d)
        self.token_type_embedding = nn.Embedding(config.type_vocab_size, d)
        self.norm = nn.LayerNorm(d, eps=config.norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(
        self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        B, T = input_ids.size()
        if T > self.position_embedding.num_embeddings:
            raise ValueError(
                f"{T} positions exceed context_length ({self.position_embedding.num_embeddings})"
            )
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        positions = torch.arange(T, device=input_ids.device)  # (T,)
        x = self.token_embedding(input_ids) + self.position_embedding(positions)  # (B, T, C)
        x = x + self.token_type_embedding(token_type_ids)  # (B, T, C)
        return self.dropout(self.norm(x))


class BertPooler(nn.Module):
    """BERT's pooler: dense + tanh over the first token's features (the names match BERT's
    `pooler.dense`, so its weights load)."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.dense = nn.Linear(d_model, d_model)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(features[:, 0]))  # (B, C)


class BertEncoder(nn.Module):
    """BERT's trunk: embeddings, encoder blocks (post-norm as BERT; pre-norm adds a final
    norm) and, if configured, the pooler. A model adds its head, then calls
    `init_bert_weights`."""

    def __init__(self, config: BertEncoderConfig) -> None:
        super().__init__()
        self.config = c = config
        pre_norm = c.norm_position == "pre"
        self.embeddings = BertEmbeddings(c)
        self.blocks = transformer_encoder(
            c.n_layers,
            c.d_model,
            c.n_heads,
            c.d_ff,
            norm_eps=c.norm_eps,
            dropout=c.dropout,
            pre_norm=pre_norm,
            bert_order=True,
        )
        # pre-norm blocks leave the residual stream unnormalized
        self.final_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps) if pre_norm else None
        self.pooler = BertPooler(c.d_model) if c.pooler else None

    def init_bert_weights(self) -> None:
        self.apply(partial(init_transformer_weights, embeddings=True))
        # The position table stays learned, but starts as sinusoids at BERT's std 0.02 (their
        # RMS is 1/sqrt(2)): offsets between positions are then linear maps from the first
        # step. On the synthetic text, 2-layer smoke models left the copy-or-unigram plateau
        # within 300 steps with it and mostly stayed on it from a random table.
        c = self.config
        with torch.no_grad():
            table = sinusoid_position_table(c.context_length, c.d_model)
            self.embeddings.position_embedding.weight.copy_(table * 0.02 * math.sqrt(2))

    def get_num_params(self) -> int:
        """Parameters, counting a tied weight once."""
        return sum(p.numel() for p in self.parameters())

    def encode(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Every token's features (B, T, C); attention_mask (B, T): 1 for tokens, 0 for
        padding that no token attends to."""
        attn_mask = None
        if attention_mask is not None:
            attn_mask = attention_mask.bool()[:, None, None, :]  # (B, 1, 1, T)
        x = self.blocks(self.embeddings(input_ids, token_type_ids), attn_mask)  # (B, T, C)
        return x if self.final_norm is None else self.final_norm(x)
