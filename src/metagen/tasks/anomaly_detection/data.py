"""Anomaly-detection data: windows of a series (or table rows, windows of one step) with a
0/1 label per step. Training data is normal; the held-out data carries labelled anomalies.

Synthetic series: one seasonal signal per channel; the held-out series gets spikes, level
shifts and noise bursts (labelled). Synthetic rows: features on a random low-dimensional
linear manifold; held-out anomalies leave it. A CSV gives value columns and optionally a
0/1 column named label, anomaly or is_anomaly; its last rows are held out, and labelled
anomalies are kept out of training. Values are standardized with the training data's mean
and std per column."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.time_series_csv import parse_series_cell, read_series_table, value_columns

ANOMALY_LABEL_COLUMNS = ("label", "anomaly", "is_anomaly")
# Share of held-out steps (or rows) that the synthetic data makes anomalous.
SYNTHETIC_ANOMALY_RATE = 0.04
ANOMALY_SERIES_NOISE = 0.1  # noise std, relative to the season's amplitude


def anomaly_series(
    length: int, amplitude: np.ndarray, period: int, rng: np.random.Generator
) -> np.ndarray:
    """(length, C): a level of 10, a two-harmonic season of `amplitude` (C,) and noise."""
    t = np.arange(length, dtype=np.float64)[:, None]
    phase = rng.uniform(0.0, 2 * np.pi, size=(1, len(amplitude)))
    angle = 2 * np.pi * t / period + phase
    season = amplitude * (np.sin(angle) + 0.3 * np.sin(2 * angle + 1.0))
    noise = ANOMALY_SERIES_NOISE * amplitude * rng.standard_normal((length, len(amplitude)))
    return 10.0 + season + noise


def inject_series_anomalies(
    values: np.ndarray, amplitude: np.ndarray, rate: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Spikes (1-3 steps), level shifts (8-32 steps) and noise bursts (8-24 steps) in one
    channel each, until `rate` of the steps are labelled anomalous."""
    values, labels = values.copy(), np.zeros(len(values), dtype=np.int64)
    while labels.mean() < rate:
        kind = rng.integers(3)
        length = int(rng.integers(1, 4) if kind == 0 else rng.integers(8, 33 if kind == 1 else 25))
        start = int(rng.integers(0, len(values) - length))
        channel = int(rng.integers(values.shape[1]))
        span, scale = slice(start, start + length), amplitude[channel]
        if kind == 0:
            values[span, channel] += rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 2.0) * scale
        elif kind == 1:
            values[span, channel] += rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0) * scale
        else:
            values[span, channel] += 0.5 * scale * rng.standard_normal(length)
        labels[span] = 1
    return values, labels


def manifold_rows(n: int, basis: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(n, F) rows z @ basis + noise, z standard normal: a k-dimensional linear manifold."""
    z = rng.standard_normal((n, basis.shape[0]))
    return z @ basis + 0.05 * rng.standard_normal((n, basis.shape[1]))


def inject_row_anomalies(
    rows: np.ndarray, rate: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A `rate` share of rows has a third of its features replaced by off-manifold values."""
    rows, labels = rows.copy(), (rng.random(len(rows)) < rate).astype(np.int64)
    spread = rows.std(axis=0)
    for i in np.flatnonzero(labels):
        features = rng.choice(rows.shape[1], size=max(1, rows.shape[1] // 3), replace=False)
        rows[i, features] = rng.normal(0.0, 1.5 * spread[features])
    return rows, labels


class AnomalyWindows(Dataset):
    """Windows of `window` steps starting at `starts`, standardized; labels -1 if unknown."""

    def __init__(
        self,
        values: np.ndarray,
        labels: np.ndarray,
        starts: list[int],
        window: int,
        mean: np.ndarray,
        std: np.ndarray,
    ):
        self.values = ((values - mean) / std).astype(np.float32)
        self.labels, self.starts, self.window = labels, starts, window

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> dict:
        span = slice(self.starts[index], self.starts[index] + self.window)
        return {
            "values": torch.from_numpy(self.values[span]),  # (W, C)
            "labels": torch.from_numpy(self.labels[span]),
        }  # (W,)


def read_anomaly_csv(
    path, channels: int | None
) -> tuple[np.ndarray, np.ndarray, list[str], str | None]:
    """(values (N, C), labels (N,) 0/1 or -1 without a label column, value columns, label
    column) of a CSV; the value columns must number `channels` (None: any, as in training,
    where the data sets the model's channels)."""
    path = Path(path)
    header, rows, lines = read_series_table(path)
    label = next((name for name in header if name.lower() in ANOMALY_LABEL_COLUMNS), None)
    columns = [name for name in value_columns(header) if name != label]
    if not columns:
        raise ValueError(
            f"{path} line 1 (the header): no value column ({', '.join(header)} are time or "
            f"label columns). Add a numeric column per channel; a 0/1 column named "
            f"{', '.join(ANOMALY_LABEL_COLUMNS)} is read as the anomaly label."
        )
    if channels is not None and len(columns) != channels:
        raise ValueError(
            f"{path} has {len(columns)} value columns ({', '.join(columns) or 'none'}), but the "
            f"model reads {channels} (modality.time_series.channels or "
            f"modality.tabular.num_features). Make them agree; a 0/1 column named "
            f"{', '.join(ANOMALY_LABEL_COLUMNS)} is read as the anomaly label."
        )
    index = [header.index(name) for name in columns]
    values = np.array(
        [
            [parse_series_cell(row[i], path, line, header[i]) for i in index]
            for row, line in zip(rows, lines, strict=True)
        ],
        dtype=np.float64,
    )
    labels = np.full(len(rows), -1, dtype=np.int64)
    if label is not None:
        position = header.index(label)
        for n, (row, line) in enumerate(zip(rows, lines, strict=True)):
            if row[position].strip() not in ("0", "1"):
                raise ValueError(
                    f"{path} line {line}, column {label!r}: {row[position].strip()!r} is not "
                    "0 or 1. The label column marks anomalous rows with 1 and normal ones with "
                    "0."
                )
            labels[n] = int(row[position])
    return values, labels, columns, label


def _standardization(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    std = train.std(axis=0)
    return train.mean(axis=0), np.where(std > 0, std, 1.0)


def _synthetic_series(cfg: dict, seed: int, window: int):
    channels = int(cfg["channels"])
    period = int(cfg.get("season_length") or min(24, max(2, window // 2)))
    amplitude = np.random.default_rng([seed, 0]).uniform(1.5, 2.5, size=channels)
    train = anomaly_series(
        int(cfg["num_train"]) - 1 + window,
        amplitude,
        period,
        np.random.default_rng([seed, 1]),
    )
    val = anomaly_series(
        int(cfg["num_val"]) * window, amplitude, period, np.random.default_rng([seed, 2])
    )
    val, val_labels = inject_series_anomalies(
        val, amplitude, SYNTHETIC_ANOMALY_RATE, np.random.default_rng([seed, 3])
    )
    train_labels = np.zeros(len(train), dtype=np.int64)
    return train, train_labels, val, val_labels, {"season_length": period}


def _synthetic_rows(cfg: dict, seed: int):
    features = int(cfg["channels"])
    basis = np.random.default_rng([seed, 0]).standard_normal((max(2, features // 4), features))
    train = manifold_rows(int(cfg["num_train"]), basis, np.random.default_rng([seed, 1]))
    val = manifold_rows(int(cfg["num_val"]), basis, np.random.default_rng([seed, 2]))
    val, val_labels = inject_row_anomalies(
        val, SYNTHETIC_ANOMALY_RATE, np.random.default_rng([seed, 3])
    )
    return (
        train,
        np.zeros(len(train), dtype=np.int64),
        val,
        val_labels,
        {"manifold_dim": basis.shape[0]},
    )


def _csv_split(cfg: dict, source: str, window: int):
    values, labels, columns, label = read_anomaly_csv(source, None)
    n_val = round(len(values) * float(cfg["val_fraction"]))
    n_train = len(values) - n_val
    if min(n_train, n_val) < window:
        raise ValueError(
            f"{source} has {len(values)} rows; holding out the last {n_val} leaves "
            f"{n_train} for training, and each part needs at least one window of {window}. "
            f"Provide at least {2 * window} rows per part, or lower task.lookback."
        )
    extra = {"columns": columns, "label_column": label, "fit_dims": {"channels": len(columns)}}
    return values[:n_train], labels[:n_train], values[n_train:], labels[n_train:], extra


def build_anomaly_datasets(cfg: dict, source: str, seed: int):
    window = int(cfg["window"])
    if source == "synthetic":
        if cfg.get("kind") == "tabular":
            train, train_labels, val, val_labels, extra = _synthetic_rows(cfg, seed)
        else:
            train, train_labels, val, val_labels, extra = _synthetic_series(cfg, seed, window)
        extra["columns"] = [f"x{i}" for i in range(train.shape[1])]
        extra["label_column"] = None
    else:
        train, train_labels, val, val_labels, extra = _csv_split(cfg, source, window)
    # Training windows start at every step and hold no labelled anomaly; held-out windows
    # tile the held-out rows.
    train_starts = [
        s for s in range(len(train) - window + 1) if not (train_labels[s : s + window] == 1).any()
    ]
    if not train_starts:
        raise ValueError(
            f"{source}: every training window holds a labelled anomaly; there is "
            "no normal data to learn from."
        )
    val_starts = list(range(0, len(val) - window + 1, window))
    mean, std = _standardization(train[train_labels != 1])
    args = (window, mean, std)
    info = {
        "task": "anomaly_detection",
        "source": source,
        "kind": cfg.get("kind", "series"),
        "window": window,
        "channels": train.shape[1],
        **extra,
        "mean": mean.tolist(),
        "std": std.tolist(),
        "num_train": len(train_starts),
        "num_val": len(val_starts),
        "val_anomaly_rate": float((val_labels == 1).mean()) if (val_labels >= 0).all() else None,
    }
    return (
        AnomalyWindows(train, train_labels, train_starts, *args),
        AnomalyWindows(val, val_labels, val_starts, *args),
        info,
    )
