"""N-BEATS with generic blocks (Oreshkin et al., 2020): an MLP over the flattened lookback
window, stacked as residual backcast/forecast blocks."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_positive
from metagen.nn.forecast_common import ForecastWindow, restore_forecast, standardize_window


@dataclass
class NBeatsConfig(ForecastWindow):
    d_model: int = 512  # width of every fully connected layer
    n_blocks: int = 4
    n_fc: int = 4  # fully connected layers per block
    dropout: float = 0.0

    def __post_init__(self) -> None:
        self.check_window()
        check_positive(d_model=self.d_model, n_blocks=self.n_blocks, n_fc=self.n_fc)


class NBeatsBlock(nn.Module):
    """A ReLU MLP, then linear heads for a backcast of its input and a forecast. The last
    block has no backcast: nothing reads what it leaves unexplained."""

    def __init__(
        self,
        window: int,
        horizon: int,
        d_model: int,
        n_fc: int,
        dropout: float,
        backcast: bool = True,
    ):
        super().__init__()
        sizes = [window] + [d_model] * n_fc
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:], strict=False))
        self.dropout = nn.Dropout(dropout)
        self.backcast = nn.Linear(d_model, window) if backcast else None
        self.forecast = nn.Linear(d_model, horizon)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor | None, torch.Tensor]:
        h = x
        for layer in self.layers:
            h = self.dropout(F.relu(layer(h)))
        backcast = self.backcast(h) if self.backcast is not None else None
        return backcast, self.forecast(h)


class NBeats(nn.Module):
    """Doubly residual stack: each block explains part of the window and adds a forecast."""

    def __init__(self, config: NBeatsConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        window = c.lookback * c.channels
        self.blocks = nn.ModuleList(
            NBeatsBlock(window, c.horizon, c.d_model, c.n_fc, c.dropout, i < c.n_blocks - 1)
            for i in range(c.n_blocks)
        )

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, past: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The sum of the blocks' forecasts, in standardized units (B, H)."""
        x, mean, std = standardize_window(past)  # (B, L, C)
        residual = x.flatten(1)  # (B, L * C)
        forecast = torch.zeros(x.size(0), self.config.horizon, device=x.device, dtype=x.dtype)
        for block in self.blocks:
            backcast, block_forecast = block(residual)
            if backcast is not None:
                residual = residual - backcast
            forecast = forecast + block_forecast
        return forecast, mean, std

    def forward_head(
        self, features: tuple[torch.Tensor, torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        forecast, mean, std = features
        return restore_forecast(forecast, mean, std)  # (B, H)

    def forward(self, past: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(past))
