"""Time-series datasets for classification, regression and embedding: synthetic shapes, sine
frequencies and noisy view pairs, or a user's CSV with one series per row (the UCR layout:
value columns in time order and a target column). Values are standardized with one mean and
spread over the training split."""

import numpy as np
import torch

from metagen.data.records import TensorRecords, standardize
from metagen.data.series_task_synthetic import SERIES_CLASS_NAMES, series_synthetic
from metagen.data.tabular_csv import csv_class_names, csv_numbers
from metagen.data.tabular_records import check_classes_seen, tabular_csv_split


def _series_stats(train: np.ndarray) -> tuple[float, float]:
    std = float(train.std())
    return float(train.mean()), std if std > 0 else 1.0


def _series_info(source, task, train, val, mean, std, x: np.ndarray, columns) -> dict:
    channels, length = x.shape[-2:]
    info = {
        "task": task,
        "kind": "series",
        "source": source,
        "series_length": int(length),
        "channels": int(channels),
        "value_mean": mean,
        "value_std": std,
        "num_train": len(train),
        "num_val": len(val),
        "fit_dims": {"series_length": int(length), "in_channels": int(channels)},
    }
    if columns is not None:  # a CSV's value columns, for inference on the same layout
        info["feature_names"] = columns
    return info


def _series_csv(cfg: dict, source: str, seed: int, task: str):
    """((x, y) train, (x, y) held-out, value columns) of a CSV with one series per row."""
    table, train, val = tabular_csv_split(cfg, source, seed, stratify=task == "classification")
    series = table.features[:, None, :]  # (N, 1 channel, L)
    if task == "classification":
        check_classes_seen(table, train, val)
        index = {name: i for i, name in enumerate(csv_class_names(table))}
        targets = np.array([index[t] for t in table.targets], np.int64)
    else:
        targets = csv_numbers(table)[:, None]
    return (series[train], targets[train]), (series[val], targets[val]), table


def _series_splits(task: str, cfg: dict, source: str, seed: int):
    if source == "synthetic":
        return (*series_synthetic(task, cfg, seed), None)
    if task == "embedding":
        raise ValueError(
            f"--data {source}: embeddings of time series train on the built-in "
            "synthetic view pairs only. Use --data synthetic."
        )
    return _series_csv(cfg, source, seed, task)


def series_classification_datasets(cfg: dict, source: str, seed: int):
    (x_train, y_train), (x_val, y_val), table = _series_splits("classification", cfg, source, seed)
    if table is None:
        class_names = list(
            SERIES_CLASS_NAMES[: min(int(cfg["num_classes"]), len(SERIES_CLASS_NAMES))]
        )
    else:
        class_names = csv_class_names(table)
    mean, std = _series_stats(x_train)
    train_ds, val_ds = (
        TensorRecords({"series": standardize(x, mean, std), "labels": torch.from_numpy(y)})
        for x, y in ((x_train, y_train), (x_val, y_val))
    )
    info = _series_info(
        source,
        "classification",
        train_ds,
        val_ds,
        mean,
        std,
        x_train,
        table.feature_names if table else None,
    )
    info.update(num_classes=len(class_names), class_names=class_names)
    info["fit_dims"]["num_outputs"] = len(class_names)
    return train_ds, val_ds, info


def series_regression_datasets(cfg: dict, source: str, seed: int):
    (x_train, y_train), (x_val, y_val), table = _series_splits("regression", cfg, source, seed)
    mean, std = _series_stats(x_train)
    t_mean, t_std = _series_stats(y_train)

    def records(x, y):
        targets = standardize(y, t_mean, t_std)
        return TensorRecords(
            {
                "series": standardize(x, mean, std),
                "targets": targets,
                "target_scale": torch.full_like(targets, t_std),
            }
        )

    train_ds, val_ds = records(x_train, y_train), records(x_val, y_val)
    info = _series_info(
        source,
        "regression",
        train_ds,
        val_ds,
        mean,
        std,
        x_train,
        table.feature_names if table else None,
    )
    info.update(
        target_mean=[t_mean],
        target_std=[t_std],
        target_names=[table.target_name if table else "cycles"],
    )
    info["fit_dims"]["num_outputs"] = 1
    return train_ds, val_ds, info


def series_embedding_datasets(cfg: dict, source: str, seed: int):
    (train, _), (val, _), _ = _series_splits("embedding", cfg, source, seed)
    mean, std = _series_stats(train)
    train_ds, val_ds = (
        TensorRecords({"series": standardize(p, mean, std), "labels": torch.arange(len(p))})
        for p in (train, val)
    )
    return (
        train_ds,
        val_ds,
        _series_info(source, "embedding", train_ds, val_ds, mean, std, train, None),
    )


SERIES_RECORD_BUILDERS = {
    "classification": series_classification_datasets,
    "regression": series_regression_datasets,
    "embedding": series_embedding_datasets,
}
