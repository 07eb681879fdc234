"""Read a user's CSV: a header row naming the columns, then one row per sample. The feature
columns are the ones the spec's data.features names, else every column but the target (and a
ranking file's query_id); each holds numbers. A malformed file is a ValueError that names the
file, the line, the column and the fix."""

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from metagen.data.class_count import require_two_classes

# Values read as "missing" rather than as text, so the message can say so.
CSV_MISSING = ("", "na", "n/a", "nan", "null", "none", "?")
# The column that groups a ranking file's rows into lists (one list per query).
CSV_QUERY_COLUMN = "query_id"


@dataclass
class CsvTable:
    path: str
    feature_names: list[str]
    features: np.ndarray  # (N, F) float64
    target_name: str
    targets: list[str]  # raw text, one per row
    lines: list[int]  # the file line of each row, for messages
    query_ids: list[str] | None = None

    def ranking_query_ids(self) -> list[str]:
        """The query of each row of a table read with ranking=True, which always sets them."""
        if self.query_ids is None:
            raise ValueError(f"{self.path} was not read as a ranking table")
        return self.query_ids


def csv_error(path, line: int | None, problem: str, fix: str) -> ValueError:
    where = f"{path}:{line}" if line is not None else str(path)
    return ValueError(f"{where}: {problem}. {fix}.")


def csv_lines(path, lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) per row of `lines` (a list, or a file opened with newline="");
    bytes that are not UTF-8, or a row the csv module cannot parse (a quote never closed
    swallows the rest of the file into one value), are a located ValueError."""
    reader = csv.reader(lines)
    try:
        for row in reader:
            yield reader.line_num, row
    except UnicodeDecodeError as error:
        raise csv_error(
            path, None, f"is not UTF-8 text ({error.reason})", "Save the CSV as UTF-8"
        ) from None
    except csv.Error as error:
        raise csv_error(
            path,
            reader.line_num,
            f"the CSV cannot be parsed here ({error})",
            'Close the quote (") that opens a value on or before this line, or remove it',
        ) from None


def _csv_header(path, rows) -> list[str]:
    try:
        _, header = next(rows)
    except StopIteration:
        raise csv_error(
            path,
            None,
            "the file is empty",
            "A CSV needs a header row naming the columns, then one row per sample",
        ) from None
    names = [name.strip() for name in header]
    seen = set()
    for name in names:
        if not name:
            raise csv_error(
                path, 1, "the header has an empty column name", "Name every column in the first row"
            )
        if name in seen:
            raise csv_error(
                path,
                1,
                f"the header names column {name!r} twice",
                "Give every column a different name",
            )
        seen.add(name)
    return names


def _csv_target_index(path, names: list[str], target: str | None, reserved: set[str]) -> int:
    if target is None:
        candidates = [i for i, name in enumerate(names) if name not in reserved]
        if not candidates:
            raise csv_error(
                path, 1, "every column is a feature", "Name the target column in data.target"
            )
        return candidates[-1]
    if target not in names:
        raise csv_error(
            path,
            1,
            f"there is no target column {target!r}; the header has {', '.join(names)}",
            "Set data.target (data.label for a class) to one of them, or remove it to use the "
            "last column",
        )
    return names.index(target)


def _csv_feature_indices(path, names: list[str], features: list[str] | None, skip: set[int]):
    """The columns of `features` in the order given, else every column not in `skip`."""
    if features is None:
        return [i for i in range(len(names)) if i not in skip]
    missing = [name for name in features if name not in names]
    if missing:
        raise csv_error(
            path,
            1,
            f"data.features names {', '.join(map(repr, missing))}, which the header lacks; "
            f"it has {', '.join(names)}",
            "Name columns of the header in data.features, or remove it to use every column "
            "but the target",
        )
    taken = [name for name in features if names.index(name) in skip]
    if taken:
        raise csv_error(
            path,
            1,
            f"data.features names {', '.join(map(repr, taken))}, the target (or query_id) column",
            "A column is either a feature or the target: remove it from data.features",
        )
    return [names.index(name) for name in features]


def csv_number(path, line: int, column: str, text: str) -> float:
    """`text` as a finite float, or a ValueError that says what is wrong with it."""
    value = text.strip()
    if value.lower() in CSV_MISSING:
        raise csv_error(
            path,
            line,
            f"column {column!r} is empty or missing ({text!r})",
            "Fill in missing values (for example with the column's mean) or drop the row",
        )
    try:
        number = float(value)
    except ValueError:
        raise csv_error(
            path,
            line,
            f"column {column!r} holds {text!r}, which is not a number",
            "Features must be numbers: encode a category as numbers (for example "
            "one 0/1 column per category) or drop the column",
        ) from None
    if not math.isfinite(number):
        raise csv_error(
            path,
            line,
            f"column {column!r} holds {text!r}, which is not finite",
            "Replace infinities with finite values",
        )
    return number


def read_csv(
    path, target: str | None, *, ranking: bool = False, features: list[str] | None = None
) -> CsvTable:
    """The features, raw targets (and query ids if `ranking`) of the CSV at `path`; the
    feature columns are `features`, in that order, else every other column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise csv_error(
            path, None, f"is not UTF-8 text ({error.reason})", "Save the CSV as UTF-8"
        ) from None
    rows = csv_lines(path, text.splitlines())
    names = _csv_header(path, rows)
    reserved = {CSV_QUERY_COLUMN} if ranking else set()
    if ranking and CSV_QUERY_COLUMN not in names:
        raise csv_error(
            path,
            1,
            f"a ranking CSV needs a {CSV_QUERY_COLUMN!r} column; the header has {', '.join(names)}",
            f"Add a {CSV_QUERY_COLUMN} column: rows with the same id form one list to rank",
        )
    if len(names) - len(reserved) < 2:
        raise csv_error(
            path,
            1,
            f"the header has {len(names)} column(s)",
            "A CSV needs at least one feature column and a target column",
        )
    # Without a named target, the target is the last column that is not a named feature.
    target_at = _csv_target_index(path, names, target, reserved | set(features or ()))
    skip = {target_at} | {i for i, name in enumerate(names) if name in reserved}
    feature_at = _csv_feature_indices(path, names, features, skip)
    values, targets, lines, query_ids = [], [], [], []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank lines carry no sample
        if len(row) != len(names):
            raise csv_error(
                path,
                line,
                f"the row has {len(row)} values but the header names {len(names)} columns",
                "Give every row one value per column (quote values that contain commas)",
            )
        values.append([csv_number(path, line, names[i], row[i]) for i in feature_at])
        if row[target_at].strip().lower() in CSV_MISSING:
            raise csv_error(
                path,
                line,
                f"the target column {names[target_at]!r} is empty",
                "Every row needs a target value; drop rows without one",
            )
        targets.append(row[target_at].strip())
        lines.append(line)
        if ranking:
            query_ids.append(row[names.index(CSV_QUERY_COLUMN)].strip())
    if len(values) < 2:
        raise csv_error(
            path,
            None,
            f"has {len(values)} data row(s)",
            "Training needs at least two rows, and more to learn anything",
        )
    return CsvTable(
        str(path),
        [names[i] for i in feature_at],
        np.array(values, np.float64),
        names[target_at],
        targets,
        lines,
        query_ids if ranking else None,
    )


def csv_class_names(table: CsvTable) -> list[str]:
    """The distinct target values, numerically sorted when they are all numbers; two at least."""
    names = sorted(set(table.targets))
    require_two_classes(
        names,
        f"{table.path}, target column {table.target_name!r}",
        "Add rows of the other classes, or name the label column (data.label or "
        "data.target; else the last column).",
    )
    try:
        return sorted(names, key=float)
    except ValueError:
        return names


def csv_numbers(table: CsvTable) -> np.ndarray:
    """The targets as floats (N,), or a located error at the first that is not a number."""
    values = []
    for line, text in zip(table.lines, table.targets, strict=True):
        try:
            values.append(float(text))
        except ValueError:
            raise csv_error(
                table.path,
                line,
                f"the target column {table.target_name!r} holds {text!r}, which is not a number",
                "A regression or ranking target must be a number",
            ) from None
        if not math.isfinite(values[-1]):
            raise csv_error(
                table.path,
                line,
                f"the target {text!r} is not finite",
                "Replace it with a finite number",
            )
    return np.array(values, np.float64)
