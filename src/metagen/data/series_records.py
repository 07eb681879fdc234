"""Time-series datasets for classification, regression and embedding: synthetic shapes, sine
frequencies and noisy view pairs, a user's CSV with one series per row (the UCR layout: value
columns in time order and a target column), or, for classification, a folder of multichannel
recordings (data/series_recordings.py). Values are standardized over the training split: with
one mean and spread, or per channel for recordings."""

import numpy as np
import torch

from metagen.data.class_count import require_two_classes
from metagen.data.image_folder import split_indices
from metagen.data.record_splits import class_index, trained_data_info
from metagen.data.records import TensorRecords, standardize
from metagen.data.series_recordings import (
    is_recording_folder,
    read_recordings,
    recording_split_folders,
)
from metagen.data.series_task_synthetic import SERIES_CLASS_NAMES, series_synthetic
from metagen.data.tabular_csv import csv_class_names, csv_numbers
from metagen.data.tabular_records import scored_labels, scored_split


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
    """((x, y) train, (x, y) held-out, value columns) of a CSV with one series per row. The
    held-out rows: validation's; for evaluate.py, the user's test set ("test") or every row of
    the --data file ("given")."""
    stratify = task == "classification"
    table, train, val = scored_split(cfg, source, seed, stratify=stratify)
    series = table.features[:, None, :]  # (N, 1 channel, L)
    if task == "classification":
        targets = scored_labels(cfg, table, train, val)[1]
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


def _recording_splits(cfg: dict, source: str, seed: int):
    """((x, y) train, (x, y) held-out, class names, channel names) of a folder of recordings:
    its train/ and val/ folders, or one folder split by val_fraction, stratified by class.
    evaluate.py --data holds out the held-out folder, or the whole folder."""
    time_column, given = cfg.get("time_column"), cfg.get("held_out") == "given"
    folders = recording_split_folders(source)
    if folders is not None:
        train_x, train_labels, train_files, columns = read_recordings(folders[0], time_column)
        val_x, val_labels, val_files, val_columns = read_recordings(folders[1], time_column)
        if val_columns != columns or val_x.shape[2] != train_x.shape[2]:
            raise ValueError(
                f"{val_files[0]}: channels {', '.join(val_columns)} over {val_x.shape[2]} steps "
                f"differ from {train_files[0]}'s ({', '.join(columns)} over {train_x.shape[2]}). "
                "The train and held-out recordings need the same channels and length."
            )
        if given:
            train_x, train_labels = val_x, val_labels
    else:
        x, labels, _, columns = read_recordings(source, time_column)
        rows = list(range(len(labels)))
        train_rows, val_rows = (
            (rows, rows)
            if given
            else split_indices(len(x), float(cfg["val_fraction"]), seed, labels)
        )
        train_x, train_labels = x[train_rows], [labels[i] for i in train_rows]
        val_x, val_labels = x[val_rows], [labels[i] for i in val_rows]
    trained = trained_data_info(cfg)
    class_names = trained["class_names"] if trained else sorted(set(train_labels))
    unseen = sorted(set(val_labels) - set(class_names))
    if unseen and not trained:
        raise ValueError(
            f"{source}: class {unseen[0]!r} has held-out recordings but none to train on. Add "
            "training recordings of it, or remove it."
        )
    if trained and columns != trained["channel_names"]:
        raise ValueError(
            f"{source}: the recordings' channels ({', '.join(columns)}) differ from the "
            f"training recordings' ({', '.join(trained['channel_names'])}). Give the same "
            "channel columns, in the same order."
        )
    index = class_index(class_names, val_labels, source, bool(trained))
    y_train = np.array([index.get(label, -1) for label in train_labels], np.int64)
    y_val = np.array([index[label] for label in val_labels], np.int64)
    return (train_x, y_train), (val_x, y_val), class_names, columns


def _recording_classification_datasets(cfg: dict, source: str, seed: int):
    (x_train, y_train), (x_val, y_val), class_names, columns = _recording_splits(cfg, source, seed)
    require_two_classes(
        class_names,
        f"recordings folder {source}",
        "Add recordings of every other class: a folder per class, or rows in labels.csv.",
    )
    # per channel: sensors of one recording differ in units (acceleration, rotation)
    mean = x_train.mean(axis=(0, 2))[:, None]  # (C, 1)
    std = x_train.std(axis=(0, 2))[:, None]
    std = np.where(std > 0, std, 1.0)
    trained = trained_data_info(cfg)
    if trained:  # new recordings are standardized as the training ones were
        mean, std = np.asarray(trained["value_mean"]), np.asarray(trained["value_std"])
    train_ds, val_ds = (
        TensorRecords({"series": standardize(x, mean, std), "labels": torch.from_numpy(y)})
        for x, y in ((x_train, y_train), (x_val, y_val))
    )
    info = _series_info(
        source, "classification", train_ds, val_ds, mean.tolist(), std.tolist(), x_train, None
    )
    info.update(
        layout="recordings",
        channel_names=columns,
        time_column=cfg.get("time_column"),
        num_classes=len(class_names),
        class_names=class_names,
    )
    info["fit_dims"]["num_outputs"] = len(class_names)
    return train_ds, val_ds, info


def series_classification_datasets(cfg: dict, source: str, seed: int):
    if source != "synthetic" and is_recording_folder(source):
        return _recording_classification_datasets(cfg, source, seed)
    (x_train, y_train), (x_val, y_val), table = _series_splits("classification", cfg, source, seed)
    trained = trained_data_info(cfg) if table is not None else None
    if table is None:
        class_names = list(
            SERIES_CLASS_NAMES[: min(int(cfg["num_classes"]), len(SERIES_CLASS_NAMES))]
        )
    else:
        class_names = trained["class_names"] if trained else csv_class_names(table)
    mean, std = _series_stats(x_train)
    if trained:  # new data is standardized as the training data was
        mean, std = trained["value_mean"], trained["value_std"]
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
