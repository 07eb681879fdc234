"""Forecasting windows: `lookback` steps in, the next `horizon` steps of the target out, and
for each window its seasonal-naive forecast and MASE scale (the metrics' baseline)."""

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.tasks.time_series_forecast.data_synthetic import seasonal_series, series_rng

# The synthetic season when the spec gives none: 24 steps (hourly data's day), at most half
# the lookback so that every window sees two seasons.
DEFAULT_SYNTHETIC_SEASON = 24
# A lag counts as the season when the autocorrelation of the differenced series peaks there
# above this; otherwise the season is 1 (the naive forecast repeats the last value).
SEASON_MIN_AUTOCORRELATION = 0.1


def seasonal_naive(past: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The last `season` values of `past` (L,), repeated over the horizon."""
    last = past[len(past) - season :]
    return np.array([last[h % season] for h in range(horizon)], dtype=past.dtype)


def mase_scale(past: np.ndarray, season: int) -> float:
    """The in-sample MAE of the seasonal-naive forecast over `past` (Hyndman & Koehler)."""
    return float(np.mean(np.abs(past[season:] - past[:-season])))


def forecast_sample(window: np.ndarray, lookback: int, season: int) -> dict:
    """A window (lookback + horizon, C), target last -> the past, the target's future and the
    seasonal-naive baseline."""
    past, future = window[:lookback], window[lookback:, -1]
    target_past = past[:, -1]
    return {
        "past": torch.from_numpy(past.astype(np.float32)),  # (L, C)
        "targets": torch.from_numpy(future.astype(np.float32)),  # (H,)
        "naive_forecast": torch.from_numpy(
            seasonal_naive(target_past, len(future), season).astype(np.float32)
        ),  # (H,)
        "mase_scale": torch.tensor(mase_scale(target_past, season), dtype=torch.float32),
    }


def detect_season_length(values: np.ndarray, max_lag: int) -> int:
    """The lag in [2, max_lag] where the autocorrelation of the differenced series peaks, or 1
    when no lag reaches SEASON_MIN_AUTOCORRELATION."""
    diffs = np.diff(values)
    diffs = diffs - diffs.mean()
    denominator = float(np.dot(diffs, diffs))
    if max_lag < 2 or denominator == 0.0:
        return 1
    acf = [float(np.dot(diffs[lag:], diffs[:-lag])) / denominator for lag in range(2, max_lag + 1)]
    best = int(np.argmax(acf))
    return best + 2 if acf[best] > SEASON_MIN_AUTOCORRELATION else 1


class SyntheticForecastWindows(Dataset):
    """`size` independent seasonal series, each one window long; item i from (seed, i)."""

    def __init__(
        self, size: int, lookback: int, horizon: int, channels: int, season: int, seed: int
    ):
        self.size, self.lookback, self.horizon = size, lookback, horizon
        self.channels, self.season, self.seed = channels, season, seed

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> dict:
        rng = series_rng(self.seed, index)
        window = seasonal_series(self.lookback + self.horizon, self.channels, self.season, rng)
        return forecast_sample(window, self.lookback, self.season)


class SeriesWindows(Dataset):
    """Windows of one series (N, C) that start at `starts`, each lookback + horizon long."""

    def __init__(
        self, values: np.ndarray, starts: list[int], lookback: int, horizon: int, season: int
    ):
        self.values, self.starts = values, starts
        self.lookback, self.horizon, self.season = lookback, horizon, season

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> dict:
        start = self.starts[index]
        window = self.values[start : start + self.lookback + self.horizon]
        return forecast_sample(window, self.lookback, self.season)


def check_season(season: int, lookback: int, where: str) -> None:
    if not 1 <= season < lookback:
        raise ValueError(
            f"season length {season} ({where}) must be at least 1 and below the lookback "
            f"({lookback}): the seasonal-naive baseline repeats the last season of the window. "
            "Raise task.lookback or set modality.time_series.season_length lower."
        )
