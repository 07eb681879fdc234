"""A residual 1-D CNN over time series (the ResNet baseline of Wang et al. 2017 for time-series
classification), in reading order: conv stem, residual conv blocks, mean over time, linear head."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_positive


@dataclass
class SeriesCNNConfig:
    series_length: int = 128  # steps per series (the network takes any length)
    in_channels: int = 1  # variables per step
    width: int = 64
    n_layers: int = 3  # residual blocks
    kernel_size: int = 5  # odd, so "same" padding keeps the length
    num_outputs: int = 2  # classes, regression targets or embedding size

    def __post_init__(self) -> None:
        check_positive(
            series_length=self.series_length,
            in_channels=self.in_channels,
            width=self.width,
            n_layers=self.n_layers,
            kernel_size=self.kernel_size,
            num_outputs=self.num_outputs,
        )
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd to keep the length, got {self.kernel_size}")

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.series_length)
        return {"series": torch.randn(shape, generator=generator)}


class SeriesConvNorm(nn.Module):
    """Conv1d without bias ("same" padding), then BatchNorm."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int) -> None:
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, kernel_size, padding=kernel_size // 2, bias=False)
        self.norm = nn.BatchNorm1d(c_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(x))


class SeriesResidualBlock(nn.Module):
    """relu(x + norm(conv(relu(norm(conv(x))))))."""

    def __init__(self, width: int, kernel_size: int) -> None:
        super().__init__()
        self.conv1 = SeriesConvNorm(width, width, kernel_size)
        self.conv2 = SeriesConvNorm(width, width, kernel_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.conv2(F.relu(self.conv1(x))))


class SeriesCNN(nn.Module):
    """series (..., in_channels, T) -> outputs (..., num_outputs). Leading dims are free: an
    embedding pair (B, 2, C, T) embeds both series."""

    def __init__(self, config: SeriesCNNConfig) -> None:
        super().__init__()
        self.config = config
        self.stem = SeriesConvNorm(config.in_channels, config.width, config.kernel_size)
        self.blocks = nn.ModuleList(
            SeriesResidualBlock(config.width, config.kernel_size) for _ in range(config.n_layers)
        )
        self.head = nn.Linear(config.width, config.num_outputs)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, series: torch.Tensor) -> torch.Tensor:
        lead, (C, T) = series.shape[:-2], series.shape[-2:]
        x = F.relu(self.stem(series.reshape(-1, C, T)))  # (N, width, T)
        for block in self.blocks:
            x = block(x)
        return x.mean(dim=-1).reshape(*lead, -1)  # (..., width)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features)  # (..., num_outputs)

    def forward(self, series: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(series))
