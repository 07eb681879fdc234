"""Multichannel recordings for series classification and regression: one CSV file per
recording (a header naming the channels, one row per time step, an optional time column),
labelled by a folder per class (root/<class>/<recording>.csv) or by a labels file
(root/labels.csv with columns file and label). root/train/ beside root/val/ (or root/test/),
each in either layout, is a given split. The channel count and length come from the files."""

from pathlib import Path

import numpy as np

from metagen.data.time_series_csv import parse_series_cell, read_series_table, value_columns

RECORDING_LABELS_FILE = "labels.csv"
RECORDING_LABEL_COLUMNS = ("file", "label")
RECORDING_SPLITS = ("train", "val", "test")


def is_recording_folder(source: str) -> bool:
    """A folder of recordings, not a folder with train.csv and val.csv (one series per row)."""
    root = Path(source)
    return root.is_dir() and not (root / "train.csv").is_file()


def _labelled_by_folders(root: Path) -> list[tuple[Path, str]]:
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    found = [(path, folder.name) for folder in folders for path in sorted(folder.glob("*.csv"))]
    loose = sorted(root.glob("*.csv"))
    if loose:
        raise ValueError(
            f"{loose[0]} lies in {root} itself, outside any class folder. Put each recording "
            f"in its class's folder ({root}/<class>/<recording>.csv), or list every recording "
            f"with its label in {root / RECORDING_LABELS_FILE} (columns file,label)."
        )
    if not found:
        raise ValueError(
            f"{root} holds no recordings: expected {root}/<class>/<recording>.csv (a folder per "
            f"class) or {root / RECORDING_LABELS_FILE} (columns file,label). Add the CSV files."
        )
    return found


def _labelled_by_file(labels: Path) -> list[tuple[Path, str]]:
    header, rows, lines = read_series_table(labels)
    missing = [name for name in RECORDING_LABEL_COLUMNS if name not in header]
    if missing:
        raise ValueError(
            f"{labels} line 1 (the header) has no column {missing[0]!r}; its columns are "
            f"{', '.join(header)}. Name the columns file (a recording's path, relative to "
            f"{labels.parent}) and label."
        )
    file_at, label_at = (header.index(name) for name in RECORDING_LABEL_COLUMNS)
    found = []
    for row, line in zip(rows, lines, strict=True):
        path = labels.parent / row[file_at].strip()
        if not path.is_file():
            raise ValueError(
                f"{labels} line {line}, column 'file': {row[file_at].strip()!r} is not a file "
                f"under {labels.parent}. Give each recording's path relative to that folder."
            )
        found.append((path, row[label_at].strip()))
    return found


def _labelled_recordings(root: Path) -> list[tuple[Path, str]]:
    labels = root / RECORDING_LABELS_FILE
    return _labelled_by_file(labels) if labels.is_file() else _labelled_by_folders(root)


def _read_recording(path: Path, time_column: str | None) -> tuple[list[str], np.ndarray]:
    """(channel names, values (C, T)) of one recording."""
    header, rows, lines = read_series_table(path)
    columns = value_columns(header, time_column)
    if not columns:
        raise ValueError(
            f"{path} line 1 (the header): every column ({', '.join(header)}) is a time column. "
            "A recording needs a numeric column per channel."
        )
    index = [header.index(name) for name in columns]
    values = [
        [parse_series_cell(row[i], path, line, header[i]) for i in index]
        for row, line in zip(rows, lines, strict=True)
    ]
    return columns, np.array(values, dtype=np.float64).T


def read_recordings(root, time_column: str | None = None):
    """(series (N, C, T) float64, labels, files, channel names) of a folder of recordings;
    every recording must have the first one's channels and length."""
    root = Path(root)
    series: list[np.ndarray] = []
    labels: list[str] = []
    files: list[str] = []
    columns: list[str] = []
    for path, label in _labelled_recordings(root):
        names, values = _read_recording(path, time_column)
        if not series:
            columns, first, length = names, path, values.shape[1]
        elif names != columns:
            raise ValueError(
                f"{path} line 1 (the header): channels {', '.join(names)} differ from {first}'s "
                f"({', '.join(columns)}). Every recording needs the same channel columns, in "
                "the same order."
            )
        elif values.shape[1] != length:
            raise ValueError(
                f"{path} has {values.shape[1]} time steps (rows), but {first} has {length}. "
                f"Every recording must be equally long: cut or pad them all to {length} rows, "
                "or cut long recordings into windows of one length."
            )
        series.append(values)
        labels.append(label)
        files.append(str(path))
    return np.stack(series), labels, files, columns


def recording_split_folders(root) -> tuple[Path, Path] | None:
    """(train, held-out) folders when `root` holds train/ and val/ (or test/), else None."""
    root = Path(root)
    held_out = [root / name for name in RECORDING_SPLITS[1:] if (root / name).is_dir()]
    if not (root / "train").is_dir() or not held_out:
        return None
    return root / "train", held_out[0]


def recording_series(path, info: dict) -> np.ndarray:
    """(C, T) values of one recording for a trained model: its channels must be the training
    recordings' (info["channel_names"]), standardized as they were; any length runs."""
    path = Path(path)
    names, values = _read_recording(path, info.get("time_column"))
    if names != info["channel_names"]:
        raise ValueError(
            f"{path} line 1 (the header): channels {', '.join(names)} differ from the training "
            f"recordings' ({', '.join(info['channel_names'])}). Give the same channel columns, "
            "in the same order."
        )
    return (values - np.asarray(info["value_mean"])) / np.asarray(info["value_std"])
