"""Tabular datasets for classification, regression, embedding and ranking: synthetic rows with a
learnable rule, or a user's CSV (a file split by val_fraction, or a folder with train.csv and
val.csv or test.csv). The spec's data section (config keys target_column, label_column,
feature_columns, train_file, val_file, test_file, val_fraction, test_fraction) names the
columns, the files and the shares. Features are standardized with the training split's
statistics, which data_info.json records for inference."""

from pathlib import Path

import numpy as np
import torch

from metagen.data.record_splits import (
    class_index,
    declared_test_file,
    split_files,
    split_units,
    trained_data_info,
)
from metagen.data.records import TensorRecords, check_record_file, standardize, standardizer
from metagen.data.tabular_csv import CsvTable, csv_class_names, csv_error, csv_numbers, read_csv
from metagen.data.tabular_synthetic import tabular_synthetic


def csv_target(cfg: dict, labelled: bool) -> str | None:
    """The target column: for class labels data.label first, then data.target (or
    modality.tabular.target); None means the last column."""
    keys = ("label_column",) * labelled + ("target_column", "target")
    return next((str(cfg[key]) for key in keys if cfg.get(key)), None)


def _split_table(
    table: CsvTable, cfg: dict, seed: int, ranking: bool, stratify: bool, validation: bool
) -> list[np.ndarray]:
    """[train, validation, test] rows of one table split by the data section's shares; a
    ranking table's lists (rows with one query_id) go to one side whole."""
    if not ranking:
        labels = table.targets if stratify else None
        parts = split_units(len(table.targets), cfg, seed, labels, validation=validation)
        return [np.array(part, np.int64) for part in parts]
    query_ids = table.ranking_query_ids()
    keys = sorted(set(query_ids))
    rows = np.arange(len(table.targets))
    chosen = [
        {keys[i] for i in part} for part in split_units(len(keys), cfg, seed, validation=validation)
    ]
    return [rows[np.array([q in part for q in query_ids], bool)] for part in chosen]


def _read_table(cfg: dict, path, ranking: bool, stratify: bool) -> CsvTable:
    features = cfg.get("feature_columns")
    return read_csv(path, csv_target(cfg, stratify), ranking=ranking, features=features)


def tabular_csv_test(
    cfg: dict, source: str, seed: int, *, ranking: bool = False, stratify: bool = False
) -> tuple[CsvTable, np.ndarray] | None:
    """(table, test rows) of the user's test set: data.test's file, the training file's
    test_fraction (the rows tabular_csv_split leaves out), or a folder's test.csv beside its
    val.csv; None when there is none."""
    train_path, val_path = split_files(cfg, source, ".csv")
    named = declared_test_file(cfg, source, ".csv", val_path)
    if named is not None:
        table = _read_table(cfg, named, ranking, stratify)
        return table, np.arange(len(table.targets))
    if cfg.get("test_fraction"):
        table = _read_table(cfg, train_path, ranking, stratify)
        return table, _split_table(table, cfg, seed, ranking, stratify, val_path is None)[2]
    return None


def tabular_csv_split(
    cfg: dict, source: str, seed: int, *, ranking: bool = False, stratify: bool = False
) -> tuple[CsvTable, np.ndarray, np.ndarray]:
    """(table, train rows, held-out rows) of a user's CSV; `stratify`: the target is a class
    label (data.label names it before data.target), split per class. A training file and a
    validation file are stacked into one table; rows held out for testing (test_fraction) are
    in neither part."""
    check_record_file(cfg.get("kind"), source)
    train_path, val_path = split_files(cfg, source, ".csv")
    train = _read_table(cfg, train_path, ranking, stratify)
    if val_path is None:
        train_rows, val_rows, _ = _split_table(train, cfg, seed, ranking, stratify, True)
        return train, train_rows, val_rows
    held_out = _read_table(cfg, val_path, ranking, stratify)
    table = stacked_tables(train, held_out, "Both files need the same header")
    kept = _split_table(train, cfg, seed, ranking, stratify, False)[0]
    n = len(train.targets)
    return table, kept, np.arange(n, n + len(held_out.targets))


def stacked_tables(table: CsvTable, below: CsvTable, fix: str) -> CsvTable:
    """`table`'s rows, then `below`'s, which must have the same feature columns (`fix` says
    how, where they differ); a ranking table's query ids stacked too."""
    if below.feature_names != table.feature_names:
        raise csv_error(
            below.path,
            1,
            f"the columns {below.feature_names} differ from {table.path}'s {table.feature_names}",
            fix,
        )
    ids = None
    if table.query_ids is not None and below.query_ids is not None:
        ids = table.query_ids + below.query_ids
    return CsvTable(
        table.path,
        table.feature_names,
        np.concatenate([table.features, below.features]),
        table.target_name,
        table.targets + below.targets,
        table.lines + below.lines,
        ids,
    )


def with_test_rows(table: CsvTable, found: tuple[CsvTable, np.ndarray]):
    """(`table` with the test table's rows below it, the test rows' indices in it)."""
    test, rows = found
    stacked = stacked_tables(table, test, "The test file needs the training file's header")
    return stacked, len(table.targets) + rows


def scored_labels(cfg: dict, table: CsvTable, train, val) -> tuple[list[str], np.ndarray]:
    """(class names, each row's class index): the trained run's classes where evaluate.py
    scores new data (every held-out label must be one of them), else the table's, each seen
    in training."""
    trained = trained_data_info(cfg)
    if trained is None:
        check_classes_seen(table, train, val)
    names = trained["class_names"] if trained else csv_class_names(table)
    index = class_index(names, [table.targets[i] for i in val], table.path, bool(trained))
    return names, np.array([index.get(t, -1) for t in table.targets], np.int64)


def scored_split(
    cfg: dict, source: str, seed: int, *, stratify: bool = False
) -> tuple[CsvTable, np.ndarray, np.ndarray]:
    """(table, train rows, held-out rows): the training split; for evaluate.py, the held-out
    rows are the user's test set ("test": data.test, test_fraction or a folder's test.csv,
    else validation's) or every row of the --data file ("given"; a folder: its held-out
    file or share)."""
    if cfg.get("held_out") == "given" and Path(source).is_file():  # read whole, not split
        table = _read_table(cfg, source, False, stratify)
        every = np.arange(len(table.targets))
        return table, every, every
    table, train, val = tabular_csv_split(cfg, source, seed, stratify=stratify)
    if cfg.get("held_out") == "test":
        found = tabular_csv_test(cfg, source, seed, stratify=stratify)
        if found is not None:
            table, val = with_test_rows(table, found)
    return table, train, val


def check_classes_seen(table: CsvTable, train, val) -> None:
    unseen = sorted({table.targets[i] for i in val} - {table.targets[i] for i in train})
    if unseen:
        raise csv_error(
            table.path,
            None,
            f"held-out classes {unseen} never occur in the training rows",
            "Put examples of every class in the training data",
        )


def trained_standardizer(cfg: dict, x_train: np.ndarray):
    """(mean, std) of the features: the training rows', or the trained run's where evaluate.py
    scores new data (`trained_info`)."""
    trained = trained_data_info(cfg)
    if trained is None:
        return standardizer(x_train)
    return np.asarray(trained["feature_mean"]), np.asarray(trained["feature_std"])


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
        table, train, val = scored_split(cfg, source, seed, stratify=True)
        class_names, labels = scored_labels(cfg, table, train, val)
        x_train, x_val = table.features[train], table.features[val]
        y_train, y_val, names = labels[train], labels[val], table.feature_names
    mean, std = trained_standardizer(cfg, x_train)
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


def regression_records(x_train, y_train, x_val, y_val, key: str = "features", trained=None):
    """(train, held-out, stats): inputs under `key` and targets (N, D), both standardized by
    the training rows (or by the `trained` run's data_info, scoring new data alike);
    `target_scale` turns errors back into target units."""
    if trained is not None:
        mean, std = np.asarray(trained["feature_mean"]), np.asarray(trained["feature_std"])
        t_mean, t_std = np.asarray(trained["target_mean"]), np.asarray(trained["target_std"])
    else:
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
        table, train, val = scored_split(cfg, source, seed)
        values = csv_numbers(table)[:, None]
        x_train, x_val = table.features[train], table.features[val]
        y_train, y_val = values[train], values[val]
        names, target = table.feature_names, table.target_name
    train_ds, val_ds, (mean, std, stats) = regression_records(
        x_train, y_train, x_val, y_val, trained=trained_data_info(cfg)
    )
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
