"""Forecasting data: synthetic windows, or a user's CSV split in time. Training windows come
first, then the validation rows (the last val_fraction before any test period, or a val file),
then the test period (test_start, test_periods or test_fraction) or a test file: no training
or validation target lies in the test period. A separate val or test file is a series of its
own: its first `lookback` rows are history only, and every window after them is scored.

cfg["held_out"] picks the held-out set: unset (training), the validation windows; "test"
(evaluate.py), the test file or period, else the validation windows; "given" (evaluate.py
--data PATH), the file as given: the run's declared test period of it, else every window of
it (a folder: its test file, else as "test")."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from metagen.data.time_series_csv import (
    read_series_csv,
    read_series_table,
    series_row_at,
    value_columns,
)
from metagen.tasks.time_series_forecast.data import (
    DEFAULT_SYNTHETIC_SEASON,
    SeriesWindows,
    SyntheticForecastWindows,
    check_season,
    detect_season_length,
)

# A data folder's files, where the data config names none.
FORECAST_FOLDER_FILES = {"train_file": "train.csv", "val_file": "val.csv", "test_file": "test.csv"}
# The data-config keys that declare a test period inside the training file.
TEST_PERIOD_KEYS = ("test_start", "test_periods", "test_fraction")


@dataclass(frozen=True)
class ForecastFiles:
    train: Path
    val: Path | None  # None: the last val_fraction of the training rows
    test: Path | None  # None: a declared test period, or no test set


def _data_file(cfg: dict, key: str, folder: Path, required: bool) -> Path | None:
    """The file the data config names under `key`, read from the data folder; else the
    folder's default file for it, if it exists (or must)."""
    name = cfg.get(key)
    path = folder / (name if name is not None else FORECAST_FOLDER_FILES[key])
    if path.is_file():
        return path
    if name is not None or required:
        raise FileNotFoundError(
            f"{path} ({key}): no such file. Name a CSV file in {folder} (a header row, an "
            "optional time column, value columns), or leave the key out."
        )
    return None


def forecast_files(cfg: dict, source: str) -> ForecastFiles:
    """The training, validation and test files of `source`: a CSV file (files the data config
    names are read from its folder), or a folder with train.csv and optional val.csv and
    test.csv."""
    root = Path(source)
    if not root.is_dir():
        train = (
            root
            if cfg.get("train_file") is None
            else _data_file(cfg, "train_file", root.parent, True)
        )
        folder, defaults = root.parent, False
    else:
        folder, defaults = root, True
        if cfg.get("train_file") is None and not (root / "train.csv").is_file():
            raise ValueError(
                f"{root} is a folder; forecasting reads one CSV file (a header row, an "
                "optional time column, value columns), or a folder with train.csv and "
                "optional val.csv and test.csv. Pass the CSV file, or add train.csv."
            )
        train = _data_file(cfg, "train_file", root, True)
    assert train is not None  # required
    named = {key: cfg.get(key) is not None or defaults for key in ("val_file", "test_file")}
    val = _data_file(cfg, "val_file", folder, False) if named["val_file"] else None
    test = _data_file(cfg, "test_file", folder, False) if named["test_file"] else None
    return ForecastFiles(train, val, test)


def _read_forecast_csv(path, cfg: dict, columns=None) -> tuple[np.ndarray, list[str]]:
    """(values (N, C), columns) of a forecasting CSV; `columns` fixes them (a val or test file
    reads the training file's). A data config's feature_columns are read before the target."""
    target = columns
    if target is None and cfg.get("feature_columns"):
        features = [name for name in cfg["feature_columns"] if name != cfg.get("target_column")]
        target = features + [cfg["target_column"]] if cfg.get("target_column") else None
        if target is None:  # the target: the last value column the features leave out
            header = read_series_table(path)[0]
            rest = [n for n in value_columns(header, cfg.get("time_column")) if n not in features]
            target = features + rest[-1:]
    elif target is None:
        target = cfg.get("target_column")
    return read_series_csv(path, int(cfg["channels"]), target, cfg.get("time_column"))


def _window_starts(rows: int, lookback: int, horizon: int, path) -> list[int]:
    """Every window of a series of `rows` rows, for a file scored as a whole."""
    if rows < lookback + horizon:
        raise ValueError(
            f"{path} has {rows} rows, fewer than one window of lookback {lookback} + horizon "
            f"{horizon}: every forecast reads {lookback} rows before the {horizon} it scores. "
            f"Give the file at least {lookback + horizon} rows (the first {lookback} are "
            "history only)."
        )
    return list(range(rows - lookback - horizon + 1))


def declared_test_rows(
    cfg: dict, source: Path, rows: int, lookback: int, horizon: int
) -> tuple[int, int] | None:
    """(first, end) rows of the test period that the data config declares in `source`
    (test_start: a row index or a time stamp; test_periods: a count of steps, the file's last
    unless test_start opens them; test_fraction: a share of the final rows), or None."""
    start, periods, fraction = (cfg.get(key) for key in TEST_PERIOD_KEYS)
    if start is None and periods is None and fraction is None:
        return None
    if periods is None and fraction is not None:
        periods = max(horizon, round(rows * float(fraction)))
    if periods is not None and int(periods) < horizon:
        raise ValueError(
            f"test_periods {periods} is shorter than the horizon ({horizon}): no forecast fits "
            f"in the test period. Give at least {horizon} test steps."
        )
    if start is None:
        first, end = rows - int(periods or 0), rows  # periods is set: one of the keys is
    else:
        first = series_row_at(source, start, cfg.get("time_column"))
        end = rows if periods is None else first + int(periods)
    if first < 0 or end > rows or end - first < horizon:
        raise ValueError(
            f"{source} has {rows} rows; the test period (rows {first} to {end - 1}: test_start "
            f"{start}, test_periods {periods}) must lie within them and hold at least the "
            f"horizon ({horizon}). Move test_start earlier or lower test_periods."
        )
    if first < lookback:
        raise ValueError(
            f"{source}: the test period starts at row {first}, but each forecast reads the "
            f"{lookback} rows before it and training needs more. Start it well after row "
            f"{lookback}, or lower task.lookback."
        )
    return first, end


def _season(cfg: dict, train_values: np.ndarray, lookback: int) -> tuple[int, str]:
    """(season length, where it came from): the spec's, else detected from `train_values`."""
    season, how = cfg.get("season_length"), "modality.time_series.season_length"
    if season is None:
        max_lag = min(lookback // 2, len(train_values) // 3)
        season = detect_season_length(train_values[:, -1], max_lag)
        how = "detected from the training rows"
    check_season(int(season), lookback, how)
    return int(season), how


def _csv_info(columns: list[str], rows: int, train_rows: int, season: int, how: str) -> dict:
    return {
        "columns": columns,
        "target_column": columns[-1],
        "rows": rows,
        "train_rows": train_rows,
        "season_length": season,
        "season_source": how,
        "fit_dims": {"channels": len(columns)},  # the data's, however many the spec planned
    }


def _given_file_datasets(cfg: dict, path: Path, lookback: int, horizon: int):
    """evaluate.py --data FILE: no training windows; held out, the run's declared test period
    of FILE, else every window of it."""
    values, columns = _read_forecast_csv(path, cfg)
    rows = declared_test_rows(cfg, path, len(values), lookback, horizon)
    if rows is None:
        _window_starts(len(values), lookback, horizon, path)
    first, end = rows or (lookback, len(values))
    season, how = _season(cfg, values[:first] if rows else values, lookback)
    args = (lookback, horizon, season)
    info = _csv_info(columns, len(values), 0, season, how)
    where = f"test rows {first} to {end - 1} of {path}" if rows else f"every window of {path}"
    info.update(held_out=where, held_out_file=str(path), held_out_first_row=first - lookback)
    return SeriesWindows(values, [], *args), _held_out_windows(values, first, end, args), info


def _held_out_windows(values, first: int, end: int, args: tuple) -> SeriesWindows:
    """The windows whose forecasts lie in rows [first, end) of `values`."""
    lookback, horizon = args[0], args[1]
    return SeriesWindows(values, list(range(first - lookback, end - lookback - horizon + 1)), *args)


def csv_forecast_datasets(cfg: dict, source: str, lookback: int, horizon: int):
    """(training windows, held-out windows, info) of a CSV file or folder (module doc)."""
    held_out = cfg.get("held_out")
    trained = cfg.get("trained_info") if held_out else None
    if trained and cfg.get("season_length") is None:  # the baseline the run was scored by
        cfg = {**cfg, "season_length": trained["season_length"]}
    if held_out == "given" and not Path(source).is_dir():  # the file itself is the test data
        cfg = {k: v for k, v in cfg.items() if k not in FORECAST_FOLDER_FILES}
        return _given_file_datasets(cfg, Path(source), lookback, horizon)
    files = forecast_files(cfg, source)
    values, columns = _read_forecast_csv(files.train, cfg)
    n = len(values)
    test_rows = declared_test_rows(cfg, files.train, n, lookback, horizon)
    if test_rows is not None and files.test is not None:
        raise ValueError(
            f"the data config gives both a test file ({files.test}) and a test period in "
            f"{files.train} (rows {test_rows[0]} to {test_rows[1] - 1}); keep one of them."
        )
    end = test_rows[0] if test_rows else n  # training and validation rows end here
    n_val = 0 if files.val else max(horizon, round(end * float(cfg["val_fraction"])))
    n_train = end - n_val
    if n_train < lookback + horizon:
        before = f" before the test period (row {end})" if test_rows else ""
        held = f"after holding out the last {n_val} for validation, " if n_val else ""
        raise ValueError(
            f"{files.train} has {end} rows{before}: {held}{n_train} remain, fewer than one "
            f"window of lookback {lookback} + horizon {horizon}. Provide at least "
            f"{lookback + horizon + n_val} rows, or lower task.lookback or task.horizon."
        )
    season, how = _season(cfg, values[:n_train], lookback)
    args = (lookback, horizon, season)
    info = _csv_info(columns, n, n_train, season, how)
    train = SeriesWindows(values, list(range(n_train - lookback - horizon + 1)), *args)
    # The held-out windows forecast rows after the training rows (their lookback may reach
    # back into them, as a forecast would), or every window of a file of their own.
    series, first, last, path = values, n_train, end, files.train
    info["held_out"] = f"validation rows {n_train} to {end - 1} of {files.train}"
    if files.val is not None:
        series, _ = _read_forecast_csv(files.val, cfg, columns)
        first, last, path = lookback, len(series), files.val
        _window_starts(last, lookback, horizon, files.val)
        info["held_out"] = f"every window of {files.val}"
    if held_out in ("test", "given") and test_rows is not None:
        series, (first, last), path = values, test_rows, files.train
        info["held_out"] = f"test rows {first} to {last - 1} of {files.train}"
    elif held_out in ("test", "given") and files.test is not None:
        series, _ = _read_forecast_csv(files.test, cfg, columns)
        first, last, path = lookback, len(series), files.test
        _window_starts(last, lookback, horizon, files.test)
        info["held_out"] = f"every window of {files.test}"
    info.update(held_out_file=str(path), held_out_first_row=first - lookback)
    if test_rows is not None:
        info["test_rows"] = list(test_rows)
    if files.test is not None:
        info["test_file"] = str(files.test)
    return train, _held_out_windows(series, first, last, args), info


def build_forecast_datasets(cfg: dict, source: str, seed: int):
    lookback, horizon = int(cfg["lookback"]), int(cfg["horizon"])
    channels = int(cfg["channels"])
    if source == "synthetic":
        season = int(cfg.get("season_length") or min(DEFAULT_SYNTHETIC_SEASON, lookback // 2))
        check_season(season, lookback, "of the synthetic series")
        args = (lookback, horizon, channels, season)
        train = SyntheticForecastWindows(int(cfg["num_train"]), *args, 2 * seed)
        val = SyntheticForecastWindows(int(cfg["num_val"]), *args, 2 * seed + 1)
        columns = [f"x{i}" for i in range(channels)]
        extra: dict = {
            "columns": columns,
            "target_column": columns[-1],
            "season_length": season,
            "season_source": "the synthetic series' period",
        }
    else:
        train, val, extra = csv_forecast_datasets(cfg, source, lookback, horizon)
    info = {
        "task": "time_series_forecast",
        "source": source,
        "lookback": lookback,
        "horizon": horizon,
        "channels": len(extra["columns"]),
        "time_column": cfg.get("time_column"),
        **extra,
        "num_train": len(train),
        "num_val": len(val),
    }
    return train, val, info
