"""Time series from a CSV file: a header row, an optional time column (kept out of the
values), and one or more numeric value columns. Every error names the file, the line and
the column, and says how to fix it."""

import math
from datetime import datetime
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


def value_columns(header: list[str], time_column: str | None = None) -> list[str]:
    """The columns that hold values: every column but the time columns (those named in
    TIME_COLUMN_NAMES, and `time_column`, the data config's)."""
    return [
        name for name in header if name.lower() not in TIME_COLUMN_NAMES and name != time_column
    ]


def _check_named_columns(path: Path, header: list[str], names: list[str], key: str) -> None:
    for name in names:
        if name not in header:
            raise ValueError(
                f"{path} line 1 (the header) has no column {name!r} ({key}); its columns are "
                f"{', '.join(header)}. Name a column of the file, or rename the column."
            )


def series_columns(
    path: Path, header: list[str], channels: int, target, time_column: str | None
) -> list[str]:
    """The value columns a model reads, the target last: `target` as a list names them all;
    otherwise one channel reads the target alone and more read every value column (the data
    decides how many). The target is the named column, else the last value column."""
    if time_column is not None:
        _check_named_columns(path, header, [time_column], "time_column")
    values = value_columns(header, time_column)
    if not values:
        raise ValueError(
            f"{path}: every column ({', '.join(header)}) is a time column; add a numeric value "
            "column."
        )
    if isinstance(target, list | tuple):
        _check_named_columns(path, header, list(target), "target_column")
        timed = [name for name in target if name not in values]
        if timed:
            raise ValueError(
                f"{path}: column {timed[0]!r} (target_column) is a time column; list only "
                f"value columns ({', '.join(values)})."
            )
        return list(target)
    if target is not None and target not in values:
        raise ValueError(
            f"{path} has no value column {target!r} (modality.time_series.target); its value "
            f"columns are {', '.join(values)}."
        )
    target = target if target is not None else values[-1]
    if channels == 1:
        return [target]
    return [name for name in values if name != target] + [target]


def read_series_csv(
    path, channels: int, target, time_column: str | None = None
) -> tuple[np.ndarray, list[str]]:
    """(values (N, C) float64, the columns read), the target column last; `target` is a column
    name, a list of value columns, or None (series_columns)."""
    path = Path(path)
    header, rows, lines = read_series_table(path)
    columns = series_columns(path, header, channels, target, time_column)
    index = [header.index(name) for name in columns]
    table = np.array(
        [
            [parse_series_cell(row[i], path, line, header[i]) for i in index]
            for row, line in zip(rows, lines, strict=True)
        ],
        dtype=np.float64,
    )
    return table, columns


def series_time_column(header: list[str], time_column: str | None) -> str | None:
    """The column that dates the rows: the data config's, else the first with a time name."""
    if time_column is not None:
        return time_column
    return next((name for name in header if name.lower() in TIME_COLUMN_NAMES), None)


def _time_key(text: str) -> float | datetime | None:
    """A time cell as a number (a year, a step) or an ISO date and time; None if neither."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return stamp.replace(tzinfo=None)


def series_row_at(path, start, time_column: str | None = None) -> int:
    """The first data row (0-based) of the period that `start` opens: an int is a row index, a
    string a time stamp, found as the first row whose time is at or after it."""
    path = Path(path)
    header, rows, lines = read_series_table(path)
    if isinstance(start, int) and not isinstance(start, bool):
        if not 0 <= start < len(rows):
            raise ValueError(
                f"{path}: test_start {start} is a row index, but the file has {len(rows)} data "
                f"rows (0 to {len(rows) - 1}). Give a row index in that range, or a time stamp "
                "as a string."
            )
        return start
    name = series_time_column(header, time_column)
    if name is None:
        raise ValueError(
            f"{path} has no time column, so test_start {start!r} cannot be found. Name the "
            "time column (time_column), or give test_start as a row index (an integer)."
        )
    wanted = _time_key(str(start))
    if wanted is None:
        raise ValueError(
            f"test_start {start!r} is neither a number nor an ISO date (2024-01-31, "
            "2024-01-31T12:00); give it in the form of the time column, or as a row index."
        )
    column = header.index(name)
    for row_number, (row, line) in enumerate(zip(rows, lines, strict=True)):
        stamp = _time_key(row[column])
        if stamp is None or type(stamp) is not type(wanted):
            raise ValueError(
                f"{path} line {line}, column {name!r}: {row[column].strip()!r} cannot be "
                f"compared with test_start {start!r}. Write the times as numbers or ISO dates, "
                "as test_start is, or give test_start as a row index."
            )
        if stamp >= wanted:  # type: ignore[operator]
            return row_number
    raise ValueError(
        f"{path}: no row of column {name!r} is at or after test_start {start!r} (the last is "
        f"{rows[-1][column].strip()!r}). Give a time within the file, or a row index."
    )
