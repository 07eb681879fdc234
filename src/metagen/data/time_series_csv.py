"""Time series from a CSV file: a header row, an optional time column (kept out of the
values), and one or more numeric value columns. Every error names the file, the line and
the column, and says how to fix it."""

import math
from pathlib import Path

import numpy as np

from metagen.data.tabular_csv import csv_lines

# Columns with these names (any case) hold time stamps, not values.
TIME_COLUMN_NAMES = ("time", "date", "datetime", "timestamp", "ds", "year", "month", "day")


def _check_csv_file(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file. Pass a CSV file with a header row.")
    if path.is_dir():
        raise ValueError(
            f"{path} is a folder; time-series data is one CSV file (a header row, an optional "
            "time column, numeric value columns)."
        )
    if path.suffix.lower() not in (".csv", ".txt"):
        raise ValueError(f"{path}: expected a .csv file with a header row, got {path.suffix!r}.")


def parse_series_cell(text: str, path: Path, line: int, column: str) -> float:
    where = f"{path} line {line}, column {column!r}"
    if not text.strip():
        raise ValueError(
            f"{where} is empty. Every value column needs a number in every row; fill the gap "
            "(for example with the previous value) or remove the row."
        )
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"{where}: {text.strip()!r} is not a number. Value columns must hold numbers only; "
            f"fix the cell, or name the column one of {', '.join(TIME_COLUMN_NAMES)} if it "
            "holds time stamps."
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {text.strip()!r} is not a finite number; fix the cell.")
    return value


def read_series_table(path) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, rows, line numbers) of a CSV file; each row as long as the header."""
    path = Path(path)
    _check_csv_file(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv_lines(path, handle)
        _, header = next(reader, (0, []))
        if not header or not any(name.strip() for name in header):
            raise ValueError(f"{path} is empty: it needs a header row naming the columns.")
        header = [name.strip() for name in header]
        rows, lines = [], []
        for line, row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines
            if len(row) != len(header):
                raise ValueError(
                    f"{path} line {line}: {len(row)} fields, but the header has "
                    f"{len(header)} ({', '.join(header)}). Make every row as long as the header."
                )
            rows.append(row)
            lines.append(line)
    if not rows:
        raise ValueError(f"{path} has a header but no data rows.")
    return header, rows, lines


def value_columns(header: list[str]) -> list[str]:
    return [name for name in header if name.lower() not in TIME_COLUMN_NAMES]


def read_series_csv(path, channels: int, target: str | None) -> tuple[np.ndarray, list[str]]:
    """(values (N, channels) float64, the columns read), the target column last.

    One channel reads the target column only; more read every value column, which must then
    number `channels`. The target is the named column, else the last value column."""
    path = Path(path)
    header, rows, lines = read_series_table(path)
    values = value_columns(header)
    if not values:
        raise ValueError(
            f"{path}: every column ({', '.join(header)}) is a time column; add a numeric value "
            "column."
        )
    if target is not None and target not in values:
        raise ValueError(
            f"{path} has no value column {target!r} (modality.time_series.target); its value "
            f"columns are {', '.join(values)}."
        )
    target = target if target is not None else values[-1]
    if channels == 1:
        columns = [target]
    elif len(values) == channels:
        columns = [name for name in values if name != target] + [target]
    else:
        raise ValueError(
            f"{path} has {len(values)} value columns ({', '.join(values)}), but the model reads "
            f"{channels} (modality.time_series.channels). Set channels to {len(values)}, or to "
            "1 to read the target column alone."
        )
    index = [header.index(name) for name in columns]
    table = np.array(
        [
            [parse_series_cell(row[i], path, line, header[i]) for i in index]
            for row, line in zip(rows, lines, strict=True)
        ],
        dtype=np.float64,
    )
    return table, columns
