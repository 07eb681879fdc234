"""Temporal Fusion Transformer forecaster (Lim et al., 2021), for observed inputs only.

Each input variable gets its own embedding, a variable selection network weighs them per
step, an LSTM encoder reads the lookback window and an LSTM decoder (started from its state)
runs over learned embeddings of the future steps. Gated residual networks (GRN) and
gate-add-norm layers wrap an interpretable multi-head attention (heads share the values) that
is causal over past and future steps. There are no static or known-future covariates.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.forecast_common import ForecastWindow, restore_forecast, standardize_window


@dataclass
class TFTConfig(ForecastWindow):
    d_model: int = 64
    n_layers: int = 1  # attention + GRN blocks; the paper has one
    n_heads: int = 4
    dropout: float = 0.0

    def __post_init__(self) -> None:
        self.check_window()
        check_positive(d_model=self.d_model, n_layers=self.n_layers, n_heads=self.n_heads)
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_dropout(self.dropout)


class GateAddNorm(nn.Module):
    """LayerNorm(skip + GLU(x)): the gate lets the network switch a layer off."""

    def __init__(self, d_model: int, dropout: float) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.glu = nn.Linear(d_model, 2 * d_model)
        self.norm = nn.LayerNorm(d_model)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.norm(skip + F.glu(self.glu(self.dropout(x)), dim=-1))


class GatedResidualNetwork(nn.Module):
    """Linear, ELU, linear, then gate-add-norm over a skip (projected when the sizes differ)."""

    def __init__(self, d_in: int, d_hidden: int, d_out: int, dropout: float) -> None:
        super().__init__()
        self.skip = nn.Linear(d_in, d_out) if d_in != d_out else nn.Identity()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)
        self.gate = GateAddNorm(d_out, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gate(self.fc2(F.elu(self.fc1(x))), self.skip(x))


class VariableEmbedding(nn.Module):
    """One linear embedding per scalar input variable: (B, T, V) -> (B, T, V, d)."""

    def __init__(self, n_vars: int, d_model: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_vars, d_model) * 0.02)
        self.bias = nn.Parameter(torch.zeros(n_vars, d_model))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.unsqueeze(-1) * self.weight + self.bias  # (B, T, V, d)


class VariableSelection(nn.Module):
    """Softmax weights over the variables from a GRN of all of them; a GRN per variable. One
    variable always has weight 1, so it gets no weighting GRN."""

    def __init__(self, n_vars: int, d_model: int, dropout: float) -> None:
        super().__init__()
        self.weights_grn = (
            GatedResidualNetwork(n_vars * d_model, d_model, n_vars, dropout) if n_vars > 1 else None
        )
        self.variable_grns = nn.ModuleList(
            GatedResidualNetwork(d_model, d_model, d_model, dropout) for _ in range(n_vars)
        )

    def forward(self, embedded: torch.Tensor) -> torch.Tensor:
        processed = torch.stack(
            [grn(embedded[..., i, :]) for i, grn in enumerate(self.variable_grns)], dim=-2
        )  # (B, T, V, d)
        if self.weights_grn is None:
            return processed[..., 0, :]  # (B, T, d)
        weights = self.weights_grn(embedded.flatten(-2)).softmax(dim=-1)  # (B, T, V)
        return (weights.unsqueeze(-1) * processed).sum(dim=-2)  # (B, T, d)


class InterpretableAttention(nn.Module):
    """Multi-head attention whose heads share one value projection and are averaged."""

    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.dropout = dropout
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, self.head_dim)
        self.out_proj = nn.Linear(self.head_dim, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.size()
        nh, hs = self.n_heads, self.head_dim
        q = self.q_proj(x).view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = self.k_proj(x).view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = self.v_proj(x).unsqueeze(1).expand(B, nh, T, hs)  # (B, nh, T, hs), shared
        y = F.scaled_dot_product_attention(
            q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
        )  # (B, nh, T, hs)
        return self.out_proj(y.mean(dim=1))  # (B, T, d)


class TFTBlock(nn.Module):
    """Causal interpretable attention with gate-add-norm, then a position-wise GRN."""

    def __init__(self, d_model: int, n_heads: int, dropout: float) -> None:
        super().__init__()
        self.attention = InterpretableAttention(d_model, n_heads, dropout)
        self.attention_gate = GateAddNorm(d_model, dropout)
        self.feed_forward = GatedResidualNetwork(d_model, d_model, d_model, dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.attention_gate(self.attention(x), x)
        return self.feed_forward(x)


class TFT(nn.Module):
    """past (B, lookback, channels) -> forecast (B, horizon) of the target (the last channel)."""

    def __init__(self, config: TFTConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        self.input_embedding = VariableEmbedding(c.channels, c.d_model)
        self.variable_selection = VariableSelection(c.channels, c.d_model, c.dropout)
        self.future_embedding = nn.Embedding(c.horizon, c.d_model)
        self.encoder = nn.LSTM(c.d_model, c.d_model, batch_first=True)
        self.decoder = nn.LSTM(c.d_model, c.d_model, batch_first=True)
        self.lstm_gate = GateAddNorm(c.d_model, c.dropout)
        self.blocks = nn.ModuleList(
            TFTBlock(c.d_model, c.n_heads, c.dropout) for _ in range(c.n_layers)
        )
        self.output_gate = GateAddNorm(c.d_model, c.dropout)
        self.head = nn.Linear(c.d_model, 1)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, past: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        B = past.size(0)
        x, mean, std = standardize_window(past)  # (B, L, C)
        selected = self.variable_selection(self.input_embedding(x))  # (B, L, d)
        steps = torch.arange(self.config.horizon, device=past.device)
        future = self.future_embedding(steps).expand(B, -1, -1)  # (B, H, d)
        encoded, state = self.encoder(selected)  # (B, L, d)
        decoded, _ = self.decoder(future, state)  # (B, H, d)
        lstm_in = torch.cat((selected, future), dim=1)  # (B, L + H, d)
        temporal = self.lstm_gate(torch.cat((encoded, decoded), dim=1), lstm_in)
        h = temporal
        for block in self.blocks:
            h = block(h)
        h = self.output_gate(h, temporal)  # (B, L + H, d)
        return h[:, -self.config.horizon :], mean, std  # (B, H, d)

    def forward_head(
        self, features: tuple[torch.Tensor, torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        h, mean, std = features
        return restore_forecast(self.head(h).squeeze(-1), mean, std)  # (B, H)

    def forward(self, past: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(past))
