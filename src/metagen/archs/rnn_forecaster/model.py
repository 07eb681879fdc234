"""Recurrent forecaster: an LSTM or GRU encoder over the lookback window, and an MLP decoder
from its last hidden state to every step of the horizon at once (no autoregression)."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_choice, check_dropout, check_positive
from metagen.nn.forecast_common import ForecastWindow, restore_forecast, standardize_window

RNN_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}


@dataclass
class RNNForecasterConfig(ForecastWindow):
    cell: str = "lstm"  # lstm or gru
    d_model: int = 128  # hidden size
    n_layers: int = 2
    d_ff: int = 128  # the decoder MLP's hidden size
    dropout: float = 0.0

    def __post_init__(self) -> None:
        self.check_window()
        check_choice("cell", self.cell, RNN_CELLS)
        check_positive(d_model=self.d_model, n_layers=self.n_layers, d_ff=self.d_ff)
        check_dropout(self.dropout)


class ForecastDecoderMLP(nn.Module):
    """Linear, GELU, linear: the encoder's last state to the horizon."""

    def __init__(self, d_model: int, d_ff: int, horizon: int, dropout: float) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_ff)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(d_ff, horizon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.dropout(F.gelu(self.fc1(x))))


class RNNForecaster(nn.Module):
    """past (B, lookback, channels) -> forecast (B, horizon) of the target (the last channel)."""

    def __init__(self, config: RNNForecasterConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        dropout = c.dropout if c.n_layers > 1 else 0.0  # torch applies it between layers only
        self.encoder = RNN_CELLS[c.cell](
            c.channels, c.d_model, num_layers=c.n_layers, batch_first=True, dropout=dropout
        )
        self.head = ForecastDecoderMLP(c.d_model, c.d_ff, c.horizon, c.dropout)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, past: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x, mean, std = standardize_window(past)  # (B, L, C)
        encoded, _ = self.encoder(x)  # (B, L, d)
        return encoded[:, -1], mean, std  # the last state (B, d)

    def forward_head(
        self, features: tuple[torch.Tensor, torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        state, mean, std = features
        return restore_forecast(self.head(state), mean, std)  # (B, H)

    def forward(self, past: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(past))
