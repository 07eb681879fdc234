"""Synthetic time series for classification, regression and embedding: shapes a 1-D CNN can
tell apart under noise (sines of two speeds, square and sawtooth waves, trends, a bump, a
level step), the frequency of a sine as a number, and two noisy views of one clean series."""

import numpy as np

SERIES_CLASS_NAMES = (
    "slow_sine",
    "fast_sine",
    "square",
    "sawtooth",
    "rising",
    "falling",
    "bump",
    "step",
)
SERIES_NOISE = 0.3
SERIES_FREQUENCY_RANGE = (1.0, 8.0)  # cycles per series, the regression target


def _series_pattern(kind: int, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One clean pattern of class `kind` over t in [0, 1)."""
    phase = rng.uniform(0, 2 * np.pi)
    if kind == 0:
        return np.sin(2 * np.pi * rng.uniform(1, 2) * t + phase)
    if kind == 1:
        return np.sin(2 * np.pi * rng.uniform(4, 6) * t + phase)
    if kind == 2:
        return np.sign(np.sin(2 * np.pi * rng.uniform(2, 3) * t + phase))
    if kind == 3:
        cycles = rng.uniform(2, 3) * t + phase / (2 * np.pi)
        return 2 * (cycles - np.floor(cycles)) - 1
    if kind in (4, 5):
        slope = rng.uniform(1.5, 3.0) * (1 if kind == 4 else -1)
        return slope * (t - 0.5)
    centre = rng.uniform(0.2, 0.8)
    if kind == 6:
        return 2 * np.exp(-0.5 * ((t - centre) / 0.05) ** 2)
    return np.where(t < centre, -1.0, 1.0)


def series_class_samples(
    n: int,
    num_classes: int,
    length: int,
    channels: int,
    sample_seed: int,
    noise: float = SERIES_NOISE,
) -> tuple[np.ndarray, np.ndarray]:
    """(series (n, C, L), labels (n,)): each channel draws its class's pattern anew."""
    rng = np.random.default_rng([sample_seed, 17])
    t = np.arange(length) / length
    labels = rng.integers(0, num_classes, n)
    series = np.empty((n, channels, length))
    for i, kind in enumerate(labels):
        for c in range(channels):
            amplitude = rng.uniform(0.5, 1.5)
            series[i, c] = amplitude * _series_pattern(int(kind), t, rng) + rng.normal(0, 0.3)
    series += noise * rng.standard_normal(series.shape)
    return series, labels.astype(np.int64)


def series_frequency_samples(
    n: int, length: int, channels: int, sample_seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(series (n, C, L), targets (n, 1)): noisy sines whose cycles per series is the target."""
    rng = np.random.default_rng([sample_seed, 19])
    t = np.arange(length) / length
    cycles = rng.uniform(*SERIES_FREQUENCY_RANGE, size=n)
    phases = rng.uniform(0, 2 * np.pi, size=(n, channels, 1))
    amplitude = rng.uniform(0.5, 1.5, size=(n, channels, 1))
    series = amplitude * np.sin(2 * np.pi * cycles[:, None, None] * t + phases)
    series += SERIES_NOISE * rng.standard_normal(series.shape)
    return series, cycles[:, None]


def series_view_pairs(
    n: int, num_classes: int, length: int, channels: int, sample_seed: int
) -> np.ndarray:
    """(n, 2, C, L): each clean series twice, with independent noise and offsets."""
    clean, _ = series_class_samples(n, num_classes, length, channels, sample_seed, noise=0.0)
    rng = np.random.default_rng([sample_seed, 23])
    views = np.repeat(clean[:, None], 2, axis=1)
    views += SERIES_NOISE * rng.standard_normal(views.shape)
    return views + rng.normal(0, 0.2, size=(n, 2, channels, 1))


def series_synthetic(task: str, cfg: dict, seed: int) -> tuple[tuple, tuple]:
    """((x, y) train, (x, y) held-out) of `task`: series (n, C, L) with classes or cycles, or
    view pairs (n, 2, C, L) and None; each split from its own seed."""
    length, channels = int(cfg["series_length"]), int(cfg["channels"])
    splits: list[tuple] = []
    for n, sample_seed in ((int(cfg["num_train"]), 2 * seed), (int(cfg["num_val"]), 2 * seed + 1)):
        if task == "classification":
            classes = min(int(cfg["num_classes"]), len(SERIES_CLASS_NAMES))
            splits.append(series_class_samples(n, classes, length, channels, sample_seed))
        elif task == "regression":
            splits.append(series_frequency_samples(n, length, channels, sample_seed))
        else:
            classes = len(SERIES_CLASS_NAMES)
            splits.append((series_view_pairs(n, classes, length, channels, sample_seed), None))
    return splits[0], splits[1]
