"""A bidirectional transformer encoder with a pooled head (BERT for sequence classification):
the masked-LM encoder's embeddings and blocks, a pooled vector per text, a linear head."""

import math
from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.encoder_mlm import MLMEmbeddings, MLMEncoderBlock, sinusoid_position_table


@dataclass
class TextEncoderConfig:
    vocab_size: int = 320
    context_length: int = 512  # rows of the learned position table
    type_vocab_size: int = 1
    d_model: int = 768
    n_layers: int = 12
    n_heads: int = 12
    d_ff: int = 3072
    norm_position: str = "post"  # BERT; "pre" adds a final norm
    pooler: bool = False  # BERT's dense + tanh over the first token, trained with the head
    pool: str = "mean"  # "cls": the first token (bos); "mean": mean over non-padding tokens
    num_outputs: int = 2  # classes, regression targets, embedding size, or 1 ranking score
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
            num_outputs=self.num_outputs,
            norm_eps=self.norm_eps,
        )
        check_choice("norm_position", self.norm_position, ("post", "pre"))
        check_choice("pool", self.pool, ("cls", "mean"))
        if self.pooler and self.pool != "cls":
            raise ValueError(
                f"pooler reads the first token: it needs pool 'cls', got {self.pool!r}"
            )
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, min(self.context_length, 64))
        return {"input_ids": torch.randint(self.vocab_size, shape, generator=generator)}


def masked_mean(x: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
    """Mean of x (B, T, C) over the positions where attention_mask (B, T) is 1."""
    if attention_mask is None:
        return x.mean(dim=1)
    weights = attention_mask.to(x.dtype)[:, :, None]  # (B, T, 1)
    return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class TextPooler(nn.Module):
    """BERT's pooler: dense + tanh over the first token's features (the names match BERT's
    `pooler.dense`, so its weights load)."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.dense = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(x[:, 0]))  # (B, C)


class TextEncoder(nn.Module):
    """input_ids (..., T) -> outputs (..., num_outputs). Leading dims are free: a ranking list
    (B, L, T) scores every text, an embedding pair (B, 2, T) embeds both."""

    def __init__(self, config: TextEncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = MLMEmbeddings(config)
        self.blocks = nn.ModuleList(MLMEncoderBlock(config) for _ in range(config.n_layers))
        self.final_norm = None  # pre-norm blocks leave the residual stream unnormalized
        if config.norm_position == "pre":
            self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.pooler = TextPooler(config.d_model) if config.pooler else None
        self.head = nn.Linear(config.d_model, config.num_outputs)
        self.apply(self._init_weights)
        with torch.no_grad():  # sinusoids at BERT's std, as the masked-LM encoder starts
            table = sinusoid_position_table(config.context_length, config.d_model)
            self.embeddings.position_embedding.weight.copy_(table * 0.02 * math.sqrt(2))

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The pooled vector (..., C) of each text; attention_mask: 1 for tokens, 0 for padding."""
        lead, T = input_ids.shape[:-1], input_ids.size(-1)
        ids = input_ids.reshape(-1, T)  # (N, T)
        mask = None if attention_mask is None else attention_mask.reshape(-1, T)
        attn_mask = None if mask is None else mask.bool()[:, None, None, :]  # (N, 1, 1, T)
        x = self.embeddings(ids)  # (N, T, C)
        for block in self.blocks:
            x = block(x, attn_mask)
        if self.final_norm is not None:
            x = self.final_norm(x)
        if self.pooler is not None:
            pooled = self.pooler(x)  # (N, C), dense + tanh over the first token
        elif self.config.pool == "cls":
            pooled = x[:, 0]
        else:
            pooled = masked_mean(x, mask)
        return pooled.reshape(*lead, -1)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features)  # (..., num_outputs)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(input_ids, attention_mask))
