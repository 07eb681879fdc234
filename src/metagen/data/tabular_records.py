"""Tabular datasets for classification, regression, embedding and ranking: synthetic rows with a
learnable rule, or a user's CSV (a file split by val_fraction, or a folder with train.csv and
val.csv or test.csv). Features are standardized with the training split's statistics, which
data_info.json records for inference."""

import numpy as np
import torch

from metagen.data.image_folder import split_indices
from metagen.data.records import (
    TensorRecords,
    check_record_file,
    record_split_files,
    standardize,
    standardizer,
)
from metagen.data.tabular_csv import CsvTable, csv_class_names, csv_error, csv_numbers, read_csv
from metagen.data.tabular_synthetic import tabular_synthetic


def tabular_csv_split(
    cfg: dict, source: str, seed: int, *, ranking: bool = False, stratify: bool = False
) -> tuple[CsvTable, np.ndarray, np.ndarray]:
    """(table, train rows, held-out rows); a folder's two files are stacked into one table.
    A ranking file's lists (rows with one query_id) go to one side whole."""
    check_record_file(cfg.get("kind"), source)
    files = record_split_files(source, ".csv")
    target = cfg.get("target")
    if files is None:
        table = read_csv(source, target, ranking=ranking)
        if ranking:
            query_ids = table.ranking_query_ids()
            keys = sorted(set(query_ids))
            train_keys, _ = split_indices(len(keys), float(cfg["val_fraction"]), seed)
            in_train = {keys[i] for i in train_keys}
            rows = np.arange(len(table.targets))
            mask = np.array([q in in_train for q in query_ids])
            return table, rows[mask], rows[~mask]
        labels = table.targets if stratify else None
        train_rows, val_rows = split_indices(
            len(table.targets), float(cfg["val_fraction"]), seed, labels
        )
        return table, np.array(train_rows), np.array(val_rows)
    train, held_out = (read_csv(path, target, ranking=ranking) for path in files)
    if held_out.feature_names != train.feature_names:
        raise csv_error(
            held_out.path,
            1,
            f"the columns {held_out.feature_names} differ from "
            f"{train.path}'s {train.feature_names}",
            "Both files need the same header",
        )
    table = CsvTable(
        train.path,
        train.feature_names,
        np.concatenate([train.features, held_out.features]),
        train.target_name,
        train.targets + held_out.targets,
        train.lines + held_out.lines,
        None if not ranking else train.ranking_query_ids() + held_out.ranking_query_ids(),
    )
    n = len(train.targets)
    return table, np.arange(n), np.arange(n, n + len(held_out.targets))


def check_classes_seen(table: CsvTable, train, val) -> None:
    unseen = sorted({table.targets[i] for i in val} - {table.targets[i] for i in train})
    if unseen:
        raise csv_error(
            table.path,
            None,
            f"held-out classes {unseen} never occur in the training rows",
            "Put examples of every class in the training data",
        )


def _tabular_info(source: str, task: str, names: list[str], mean, std, train, val) -> dict:
    return {
        "task": task,
        "kind": "tabular",
        "source": source,
        "feature_names": names,
        "num_features": len(names),
        "feature_mean": np.asarray(mean).tolist(),
        "feature_std": np.asarray(std).tolist(),
        "num_train": len(train),
        "num_val": len(val),
    }


def _feature_names(count: int) -> list[str]:
    return [f"x{i}" for i in range(count)]


def tabular_classification_datasets(cfg: dict, source: str, seed: int):
    if source == "synthetic":
        (x_train, y_train), (x_val, y_val) = tabular_synthetic("classification", cfg, seed)
        names = _feature_names(x_train.shape[1])
        class_names = [f"class_{i}" for i in range(int(cfg["num_classes"]))]
    else:
        table, train, val = tabular_csv_split(cfg, source, seed, stratify=True)
        check_classes_seen(table, train, val)
        class_names = csv_class_names(table)
        index = {name: i for i, name in enumerate(class_names)}
        labels = np.array([index[t] for t in table.targets], np.int64)
        x_train, x_val = table.features[train], table.features[val]
        y_train, y_val, names = labels[train], labels[val], table.feature_names
    mean, std = standardizer(x_train)
    train_ds, val_ds = (
        TensorRecords({"features": standardize(x, mean, std), "labels": torch.from_numpy(y)})
        for x, y in ((x_train, y_train), (x_val, y_val))
    )
    info = _tabular_info(source, "classification", names, mean, std, train_ds, val_ds)
    info.update(
        num_classes=len(class_names),
        class_names=class_names,
        fit_dims={"num_features": len(names), "num_outputs": len(class_names)},
    )
    return train_ds, val_ds, info


def regression_records(x_train, y_train, x_val, y_val, key: str = "features"):
    """(train, held-out, stats): inputs under `key` and targets (N, D), both standardized;
    `target_scale` turns errors back into target units."""
    mean, std = standardizer(x_train)
    t_mean, t_std = standardizer(y_train)
    scale = torch.from_numpy(np.asarray(t_std, np.float32))

    def records(x, y):
        targets = standardize(y, t_mean, t_std)
        return TensorRecords(
            {
                key: standardize(x, mean, std),
                "targets": targets,
                "target_scale": scale.expand_as(targets).clone(),
            }
        )

    stats = {"target_mean": np.asarray(t_mean).tolist(), "target_std": np.asarray(t_std).tolist()}
    return records(x_train, y_train), records(x_val, y_val), (mean, std, stats)


def tabular_regression_datasets(cfg: dict, source: str, seed: int):
    if source == "synthetic":
        (x_train, y_train), (x_val, y_val) = tabular_synthetic("regression", cfg, seed)
        names, target = _feature_names(x_train.shape[1]), "y"
    else:
        table, train, val = tabular_csv_split(cfg, source, seed)
        values = csv_numbers(table)[:, None]
        x_train, x_val = table.features[train], table.features[val]
        y_train, y_val = values[train], values[val]
        names, target = table.feature_names, table.target_name
    train_ds, val_ds, (mean, std, stats) = regression_records(x_train, y_train, x_val, y_val)
    info = _tabular_info(source, "regression", names, mean, std, train_ds, val_ds)
    info.update(
        stats, target_names=[target], fit_dims={"num_features": len(names), "num_outputs": 1}
    )
    return train_ds, val_ds, info


def tabular_embedding_datasets(cfg: dict, source: str, seed: int):
    if source != "synthetic":
        raise ValueError(
            f"--data {source}: embeddings of tabular rows train on the built-in "
            "synthetic pairs only (a CSV has no pairs). Use --data synthetic, or "
            "text pairs in a JSONL file with a text model."
        )
    (train, _), (val, _) = tabular_synthetic("embedding", cfg, seed)
    mean, std = standardizer(train)
    train_ds, val_ds = (
        TensorRecords({"features": standardize(p, mean, std), "labels": torch.arange(len(p))})
        for p in (train, val)
    )
    names = _feature_names(train.shape[-1])
    info = _tabular_info(source, "embedding", names, mean, std, train_ds, val_ds)
    info["fit_dims"] = {"num_features": len(names)}
    return train_ds, val_ds, info


def _tabular_lists(rows: np.ndarray, grades: np.ndarray, query_ids: list[str], keep):
    """Rows `keep` grouped by query into (lists, L, F) features and (lists, L) grades, padded
    with zero features and grade -1 (ignored by the loss and the metrics)."""
    groups: dict[str, list[int]] = {}
    for i in keep:
        groups.setdefault(query_ids[i], []).append(int(i))
    size = max(len(members) for members in groups.values())
    features = np.zeros((len(groups), size, rows.shape[1]))
    targets = np.full((len(groups), size), -1.0, np.float32)
    for g, members in enumerate(groups.values()):
        features[g, : len(members)] = rows[members]
        targets[g, : len(members)] = grades[members]
    return features, targets


def _tabular_list_features(features: torch.Tensor, grades: np.ndarray) -> torch.Tensor:
    """Padding items (grade -1) get zero features."""
    return features * torch.from_numpy(grades >= 0)[..., None]


def tabular_ranking_datasets(cfg: dict, source: str, seed: int):
    if source == "synthetic":
        lists = tabular_synthetic("ranking", cfg, seed)
        names = _feature_names(lists[0][0].shape[-1])
    else:
        table, train, val = tabular_csv_split(cfg, source, seed, ranking=True)
        grades = csv_numbers(table)
        if grades.min() < 0:
            line = table.lines[int(grades.argmin())]
            raise csv_error(
                table.path,
                line,
                "a relevance grade is negative",
                "Grades are 0 (irrelevant) or more",
            )
        query_ids = table.ranking_query_ids()
        lists = (
            _tabular_lists(table.features, grades, query_ids, train),
            _tabular_lists(table.features, grades, query_ids, val),
        )
        names = table.feature_names
    mean, std = standardizer(lists[0][0][lists[0][1] >= 0])
    train_ds, val_ds = (
        TensorRecords(
            {
                "features": _tabular_list_features(standardize(x, mean, std), t),
                "targets": torch.from_numpy(t.astype(np.float32)),
            }
        )
        for x, t in lists
    )
    info = _tabular_info(source, "ranking", names, mean, std, train_ds, val_ds)
    info.update(
        list_size=int(lists[0][1].shape[1]), fit_dims={"num_features": len(names), "num_outputs": 1}
    )
    return train_ds, val_ds, info


TABULAR_RECORD_BUILDERS = {
    "classification": tabular_classification_datasets,
    "regression": tabular_regression_datasets,
    "embedding": tabular_embedding_datasets,
    "ranking": tabular_ranking_datasets,
}
