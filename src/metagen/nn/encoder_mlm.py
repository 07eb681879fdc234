"""Bidirectional transformer encoder with a masked-language-model head (BERT), in reading order."""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.attention import SelfAttention
from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.mlp import GeluMLP


@dataclass
class EncoderMLMConfig:
    vocab_size: int = 30522
    context_length: int = 512  # rows of the learned position table
    type_vocab_size: int = 2  # token types (segments A/B in BERT; 1 in RoBERTa)
    d_model: int = 768
    n_layers: int = 12
    n_heads: int = 12
    d_ff: int = 3072
    norm_position: str = "post"  # BERT normalizes after each residual add; "pre" before
    pooler: bool = False  # BERT's tanh pooler over the first token; the MLM loss never trains it
    norm_eps: float = 1e-12
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            vocab_size=self.vocab_size,
            context_length=self.context_length,
            type_vocab_size=self.type_vocab_size,
            d_model=self.d_model,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            d_ff=self.d_ff,
            norm_eps=self.norm_eps,
        )
        check_choice("norm_position", self.norm_position, ("post", "pre"))
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_dropout(self.dropout)

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


class MLMEmbeddings(nn.Module):
    """Token + learned position + token-type embeddings, then LayerNorm (BERT)."""

    def __init__(self, config: EncoderMLMConfig) -> None:
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


class MLMEncoderBlock(nn.Module):
    """Transformer block with bidirectional attention, post-norm (BERT) or pre-norm."""

    def __init__(self, config: EncoderMLMConfig) -> None:
        super().__init__()
        d = config.d_model
        self.pre_norm = config.norm_position == "pre"
        self.attention = SelfAttention(d, config.n_heads, dropout=config.dropout)
        self.norm1 = nn.LayerNorm(d, eps=config.norm_eps)
        self.mlp = GeluMLP(d, config.d_ff, bias=True, dropout=config.dropout)
        self.norm2 = nn.LayerNorm(d, eps=config.norm_eps)

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor | None = None) -> torch.Tensor:
        if self.pre_norm:
            x = x + self.attention(self.norm1(x), attn_mask)
            return x + self.mlp(self.norm2(x))
        x = self.norm1(x + self.attention(x, attn_mask))
        return self.norm2(x + self.mlp(x))


class MLMPooler(nn.Module):
    """BERT's pooler: dense + tanh over the first token's features."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.dense = nn.Linear(d_model, d_model)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(features[:, 0]))  # (B, C)


class MLMHead(nn.Module):
    """Dense + GELU + LayerNorm, then a decoder to the vocabulary whose weight the model ties
    to the token embedding; the decoder keeps its own bias."""

    def __init__(self, d_model: int, vocab_size: int, norm_eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(d_model, d_model)
        self.norm = nn.LayerNorm(d_model, eps=norm_eps)
        self.decoder = nn.Linear(d_model, vocab_size)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.norm(F.gelu(self.dense(features))))  # (B, T, vocab_size)


class EncoderMLM(nn.Module):
    """input_ids (B, T) -> MLM logits (B, T, vocab_size), every token seeing every other."""

    def __init__(self, config: EncoderMLMConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = MLMEmbeddings(config)
        self.blocks = nn.ModuleList(MLMEncoderBlock(config) for _ in range(config.n_layers))
        self.final_norm = None  # pre-norm blocks leave the residual stream unnormalized
        if config.norm_position == "pre":
            self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.pooler = MLMPooler(config.d_model) if config.pooler else None
        self.mlm_head = MLMHead(config.d_model, config.vocab_size, config.norm_eps)
        self.mlm_head.decoder.weight = self.embeddings.token_embedding.weight
        self.apply(self._init_weights)
        # The position table stays learned, but starts as sinusoids at BERT's std 0.02 (their
        # RMS is 1/sqrt(2)): offsets between positions are then linear maps from the first
        # step. On the synthetic text, 2-layer smoke models left the copy-or-unigram plateau
        # within 300 steps with it and mostly stayed on it from a random table.
        with torch.no_grad():
            table = sinusoid_position_table(config.context_length, config.d_model)
            self.embeddings.position_embedding.weight.copy_(table * 0.02 * math.sqrt(2))
        if self.pooler is not None:
            # Kept for the published BERT configuration; only next-sentence prediction trained
            # it, so it is frozen rather than left to drift untrained under DDP and AdamW.
            self.pooler.requires_grad_(False)

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def get_num_params(self) -> int:
        """Parameters, counting the tied decoder weight once."""
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """attention_mask (B, T): 1 for tokens, 0 for padding that no token attends to."""
        attn_mask = None
        if attention_mask is not None:
            attn_mask = attention_mask.bool()[:, None, None, :]  # (B, 1, 1, T)
        x = self.embeddings(input_ids, token_type_ids)  # (B, T, C)
        for block in self.blocks:
            x = block(x, attn_mask)
        return x if self.final_norm is None else self.final_norm(x)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlm_head(features)  # (B, T, vocab_size)

    def pooled_output(self, features: torch.Tensor) -> torch.Tensor:
        """BERT's pooled first-token vector (B, C); needs `pooler: true`."""
        if self.pooler is None:
            raise ValueError("this encoder was built without a pooler (pooler: false)")
        return self.pooler(features)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(input_ids, attention_mask, token_type_ids))
