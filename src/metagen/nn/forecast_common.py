"""What every forecaster shares: the window fields of its config (the target is the last
channel), per-window standardization of the input (RevIN without its affine part, Kim et al.
2022) and the map back to data units. forward_features returns the features with the
window's mean and std, which the head needs to map its forecast back."""

from dataclasses import dataclass

import torch

from metagen.nn.checks import check_positive

# Added to each window's variance, so that a constant window does not divide by zero.
FORECAST_STD_EPS = 1e-5


@dataclass
class ForecastWindow:
    """The config fields every forecaster has; subclasses add their shape."""

    lookback: int = 96
    horizon: int = 24
    channels: int = 1  # input variables; the last is the one forecast

    def check_window(self) -> None:
        check_positive(lookback=self.lookback, horizon=self.horizon, channels=self.channels)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        """A noisy sine per channel around a level of 10, as the synthetic series are."""
        L, C = self.lookback, self.channels
        steps = torch.arange(L, dtype=torch.float32)[None, :, None]  # (1, L, 1)
        phase = 6.2832 * torch.rand(batch_size, 1, C, generator=generator)  # (B, 1, C)
        noise = 0.1 * torch.randn(batch_size, L, C, generator=generator)
        return {"past": 10.0 + torch.sin(6.2832 * steps / 12.0 + phase) + noise}  # (B, L, C)


def standardize_window(past: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """past (B, L, C) -> (standardized past, mean (B, 1, C), std (B, 1, C))."""
    mean = past.mean(dim=1, keepdim=True)
    std = past.var(dim=1, keepdim=True, unbiased=False).add(FORECAST_STD_EPS).sqrt()
    return (past - mean) / std, mean, std


def restore_forecast(forecast: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """forecast (B, H) in the target's standardized units -> data units (target: last channel)."""
    return forecast * std[:, :, -1] + mean[:, :, -1]
