"""The transformer encoder stack: bidirectional blocks (pre-norm as ViT, or post-norm as BERT)
in a ModuleList that runs them, and the component builder that turns integers into one."""

from typing import Protocol

import torch
from torch import nn

from metagen.nn.attention import SelfAttention
from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.mlp import GeluMLP


class EncoderBlock(nn.Module):
    """Bidirectional attention and a GELU MLP (the one `activation` names), biases everywhere.
    Pre-norm normalizes each residual branch's input (ViT); post-norm after each add (BERT).
    `bert_order` registers each norm after its sublayer, the order BERT's state_dict lists
    them in (pre-norm or post-norm alike); else ViT's order, each norm first."""

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        d_ff: int,
        *,
        norm_eps: float,
        dropout: float,
        pre_norm: bool,
        bert_order: bool = False,
        activation: str = "gelu",
    ) -> None:
        super().__init__()
        self.pre_norm = pre_norm
        attention = SelfAttention(d_model, n_heads, dropout=dropout)
        mlp = GeluMLP(d_model, d_ff, bias=True, dropout=dropout, activation=activation)
        norm1 = nn.LayerNorm(d_model, eps=norm_eps)
        norm2 = nn.LayerNorm(d_model, eps=norm_eps)
        if bert_order:
            self.attention, self.norm1, self.mlp, self.norm2 = attention, norm1, mlp, norm2
        else:
            self.norm1, self.attention, self.norm2, self.mlp = norm1, attention, norm2, mlp

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor | None = None) -> torch.Tensor:
        """attn_mask: as SelfAttention's (True where a query may attend to a key), or None."""
        if self.pre_norm:
            x = x + self.attention(self.norm1(x), attn_mask)
            return x + self.mlp(self.norm2(x))
        x = self.norm1(x + self.attention(x, attn_mask))
        return self.norm2(x + self.mlp(x))


class EncoderStack(nn.ModuleList):
    """Blocks applied in order, each given the same extra inputs (a padding mask, a timestep
    embedding). A ModuleList, so the blocks keep their keys (`blocks.0.…`) in the model."""

    def forward(self, x: torch.Tensor, *inputs: torch.Tensor | None) -> torch.Tensor:
        for block in self:
            x = block(x, *inputs)
        return x


def transformer_encoder(
    n_layers: int,
    d_model: int,
    n_heads: int,
    d_ff: int,
    *,
    norm_eps: float,
    dropout: float,
    pre_norm: bool = True,
    bert_order: bool = False,
    activation: str = "gelu",
) -> EncoderStack:
    """n_layers encoder blocks of one shape (the component builder)."""
    return EncoderStack(
        EncoderBlock(
            d_model,
            n_heads,
            d_ff,
            norm_eps=norm_eps,
            dropout=dropout,
            pre_norm=pre_norm,
            bert_order=bert_order,
            activation=activation,
        )
        for _ in range(n_layers)
    )


class EncoderShape(Protocol):
    """The config fields an encoder stack is built from (the ViT's names)."""

    n_layers: int
    d_model: int
    n_heads: int
    d_ff: int
    norm_eps: float
    dropout: float


def check_encoder_shape(config: EncoderShape) -> None:
    """The encoder fields of a config: positive sizes, whole heads, a dropout rate."""
    c = config
    check_positive(
        d_model=c.d_model, n_layers=c.n_layers, n_heads=c.n_heads, d_ff=c.d_ff, norm_eps=c.norm_eps
    )
    check_divisible("d_model", c.d_model, "n_heads", c.n_heads)
    check_dropout(c.dropout)


def encoder_from_config(config: EncoderShape, activation: str = "gelu") -> EncoderStack:
    """The pre-norm encoder stack of a config that names its shape as the ViT's does, with the
    GELU named `activation` (a config without that field keeps the exact GELU)."""
    c = config
    return transformer_encoder(
        c.n_layers,
        c.d_model,
        c.n_heads,
        c.d_ff,
        norm_eps=c.norm_eps,
        dropout=c.dropout,
        activation=activation,
    )


def pool_tokens(features: torch.Tensor, pool: str) -> torch.Tensor:
    """(B, T, C) -> (B, C): the class token (token 0) for "cls", else the mean over tokens."""
    return features[:, 0] if pool == "cls" else features.mean(dim=1)
