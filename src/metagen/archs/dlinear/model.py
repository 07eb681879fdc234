"""DLinear (Zeng et al., 2023): trend and seasonal rest of the lookback window, each mapped to
the horizon by one linear layer."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_positive
from metagen.nn.forecast_common import ForecastWindow, restore_forecast, standardize_window


@dataclass
class DLinearConfig(ForecastWindow):
    kernel_size: int = 25  # the moving average that splits trend from the seasonal rest

    def __post_init__(self) -> None:
        self.check_window()
        check_positive(kernel_size=self.kernel_size)
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {self.kernel_size}")


def moving_average(x: torch.Tensor, kernel_size: int) -> torch.Tensor:
    """x (B, L, C) -> its centred moving average, the ends padded by repetition (DLinear)."""
    pad = (kernel_size - 1) // 2
    padded = F.pad(x.transpose(1, 2), (pad, pad), mode="replicate")  # (B, C, L + 2 pad)
    return F.avg_pool1d(padded, kernel_size, stride=1).transpose(1, 2)  # (B, L, C)


class DLinear(nn.Module):
    """Trend (moving average) and seasonal rest, each mapped to the horizon by one linear."""

    def __init__(self, config: DLinearConfig) -> None:
        super().__init__()
        self.config = config
        window = config.lookback * config.channels
        self.trend = nn.Linear(window, config.horizon)
        self.seasonal = nn.Linear(window, config.horizon)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, past: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The standardized window, trend and remainder side by side (B, L, 2C)."""
        x, mean, std = standardize_window(past)  # (B, L, C)
        trend = moving_average(x, self.config.kernel_size)  # (B, L, C)
        return torch.cat((trend, x - trend), dim=-1), mean, std

    def forward_head(
        self, features: tuple[torch.Tensor, torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        parts, mean, std = features
        trend, seasonal = parts.chunk(2, dim=-1)  # (B, L, C) each
        forecast = self.trend(trend.flatten(1)) + self.seasonal(seasonal.flatten(1))
        return restore_forecast(forecast, mean, std)  # (B, H)

    def forward(self, past: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(past))
