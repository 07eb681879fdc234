"""Seasonal series with a trend and noise: a level, a linear trend, a season of two harmonics
and Gaussian noise per channel. The future follows from the past (same level, slope and
season), so a forecaster can learn it; the noise is what no model can predict."""

import numpy as np

# Ranges the random series are drawn from (per channel).
SEASONAL_LEVEL = (5.0, 15.0)  # positive, so that percentage errors are defined
SEASONAL_SLOPE = (-0.04, 0.04)  # per step
SEASONAL_AMPLITUDE = (1.0, 3.0)
SEASONAL_SECOND_HARMONIC = (0.0, 0.5)  # relative to the amplitude
SEASONAL_NOISE = 0.1  # noise std, relative to the amplitude


def series_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of item `index`: any order of access gives the same data."""
    return np.random.default_rng([seed, index])


def seasonal_series(
    length: int, channels: int, period: int, rng: np.random.Generator
) -> np.ndarray:
    """(length, channels) float64: level + slope * t + a two-harmonic season + noise."""
    t = np.arange(length, dtype=np.float64)[:, None]  # (T, 1)

    def draw(bounds: tuple[float, float]) -> np.ndarray:
        return rng.uniform(*bounds, size=(1, channels))

    level, slope, amplitude = draw(SEASONAL_LEVEL), draw(SEASONAL_SLOPE), draw(SEASONAL_AMPLITUDE)
    second = draw(SEASONAL_SECOND_HARMONIC)
    phase = rng.uniform(0.0, 2 * np.pi, size=(1, channels))
    angle = 2 * np.pi * t / period + phase
    season = amplitude * (np.sin(angle) + second * np.sin(2 * angle + 1.0))
    noise = SEASONAL_NOISE * amplitude * rng.standard_normal((length, channels))
    return level + slope * t + season + noise
