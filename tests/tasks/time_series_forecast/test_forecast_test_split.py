"""A forecast's test data: a declared test period (a count of final steps, a start row or a
start time) or a separate test file, several value columns, and the errors of each. Training
and validation windows end before the test period; evaluate.py's held-out modes ("test": the
run's test set, "given": the --data file as given) score exactly the declared windows."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from metagen.tasks.runtime import build_datasets

LOOKBACK, HORIZON = 16, 4
CFG = {
    "lookback": LOOKBACK,
    "horizon": HORIZON,
    "channels": 1,
    "season_length": 4,
    "target_column": "load",
    "val_fraction": 0.2,
}
FIRST_DAY = date(2024, 1, 1)


def series_rows(rows: int, offset: int = 0) -> list[str]:
    """A daily series: date, load (the target, a distinct value per row), temp, humidity."""
    lines = ["date,load,temp,humidity"]
    for i in range(offset, offset + rows):
        day = (FIRST_DAY + timedelta(days=i)).isoformat()
        lines.append(f"{day},{100 + i + 0.1 * np.sin(i):.4f},{20 + i % 7},{50 + i % 5}")
    return lines


def write_series(path, rows: int, offset: int = 0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(series_rows(rows, offset)) + "\n", encoding="utf-8")
    return path


def load_of(row: int) -> float:
    return round(100 + row + 0.1 * np.sin(row), 4)


def forecast_rows(windows) -> list[list[int]]:
    """The rows each window forecasts (its targets), read back from the target values."""
    return [[round(float(v) - 100) for v in window["targets"]] for window in windows]


def last_row_seen(windows) -> int:
    """The last row any window reads, history or target."""
    return max(start + LOOKBACK + HORIZON - 1 for start in windows.starts)


@pytest.mark.parametrize(
    "declared",
    [{"test_periods": 20}, {"test_start": 80}, {"test_start": "2024-03-21"}],
    ids=["final_steps", "start_row", "start_time"],
)
def test_a_declared_test_period_is_scored_whole_and_never_trained_on(tmp_path, declared) -> None:
    path = write_series(tmp_path / "s.csv", 100)
    cfg = {**CFG, **declared}
    train, val, info = build_datasets("time_series_forecast", cfg, str(path))
    assert info["test_rows"] == [80, 100]
    # validation is the last fifth before the test period; nothing trained sees row 80 on
    assert info["train_rows"] == 64 and last_row_seen(train) == 63
    assert last_row_seen(val) == 79 and len(val) == 16 - HORIZON + 1
    assert min(min(rows) for rows in forecast_rows(val)) == 64
    # evaluate.py scores the test period: a window per forecast that fits in it
    _, test, test_info = build_datasets(
        "time_series_forecast", {**cfg, "held_out": "test"}, str(path)
    )
    assert len(test) == 20 - HORIZON + 1
    assert forecast_rows(test) == [list(range(r, r + HORIZON)) for r in range(80, 97)]
    assert test_info["held_out"] == f"test rows 80 to 99 of {path}"
    # --data with the same file scores the same declared period
    _, given, _ = build_datasets("time_series_forecast", {**cfg, "held_out": "given"}, str(path))
    assert given.starts == test.starts


def test_a_test_file_is_scored_every_window_and_training_keeps_its_file(tmp_path) -> None:
    train_path = write_series(tmp_path / "data" / "train.csv", 100)
    write_series(tmp_path / "data" / "later.csv", 30, offset=100)
    cfg = {**CFG, "test_file": "later.csv"}  # read from the training file's folder
    train, val, info = build_datasets("time_series_forecast", cfg, str(train_path))
    assert info["train_rows"] == 80 and len(val) == 20 - HORIZON + 1
    assert info["test_file"] == str(tmp_path / "data" / "later.csv")
    _, test, _ = build_datasets(
        "time_series_forecast", {**cfg, "held_out": "test"}, str(train_path)
    )
    # the test file's first lookback rows are its history: forecasts start at its row 16
    assert len(test) == 30 - LOOKBACK - HORIZON + 1
    assert forecast_rows(test)[0] == [116, 117, 118, 119]
    assert forecast_rows(test)[-1] == [126, 127, 128, 129]
    # a folder with train.csv and test.csv reads the same way
    write_series(tmp_path / "data" / "test.csv", 30, offset=100)
    _, folder_test, _ = build_datasets(
        "time_series_forecast", {**CFG, "held_out": "test"}, str(tmp_path / "data")
    )
    assert forecast_rows(folder_test) == forecast_rows(test)


def test_evaluate_data_scores_a_given_file_whole(tmp_path) -> None:
    path = write_series(tmp_path / "new.csv", 40, offset=500)
    cfg = {**CFG, "test_file": "not_here.csv", "held_out": "given"}  # the run's file is moot
    train, given, info = build_datasets("time_series_forecast", cfg, str(path))
    assert len(train) == 0 and len(given) == 40 - LOOKBACK - HORIZON + 1
    assert forecast_rows(given)[0] == [516, 517, 518, 519]
    assert info["held_out"] == f"every window of {path}"


def test_several_value_columns_are_channels_the_data_counts(tmp_path) -> None:
    path = write_series(tmp_path / "s.csv", 60)
    # the spec planned 6 channels; the file has 3 value columns, the target last
    train, _, info = build_datasets("time_series_forecast", {**CFG, "channels": 6}, str(path))
    assert info["columns"] == ["temp", "humidity", "load"] and info["channels"] == 3
    assert info["fit_dims"] == {"channels": 3}
    window = train[0]
    assert window["past"].shape == (LOOKBACK, 3)
    assert window["past"][:3, 0].tolist() == [20, 21, 22]  # temp
    assert window["past"][0, 2].item() == pytest.approx(load_of(0), abs=1e-3)  # load, last
    # the data config's feature columns choose and order them; one channel reads the target
    cfg = {**CFG, "feature_columns": ["humidity", "load"]}
    _, _, info = build_datasets("time_series_forecast", cfg, str(path))
    assert info["columns"] == ["humidity", "load"]
    _, _, info = build_datasets("time_series_forecast", {**CFG, "target_column": None}, str(path))
    assert info["columns"] == ["humidity"]  # no target named: the last value column


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"test_periods": 3}, r"test_periods 3 is shorter than the horizon \(4\)"),
        ({"test_periods": 200}, r"s\.csv has 100 rows; the test period \(rows -100 to 99"),
        ({"test_start": 100}, r"s\.csv: test_start 100 is a row index, but the file has 100"),
        ({"test_start": 10}, r"s\.csv: the test period starts at row 10, but each forecast reads"),
        ({"test_start": "2030-01-01"}, r"no row of column 'date' is at or after test_start"),
        ({"test_start": "soon"}, r"test_start 'soon' is neither a number nor an ISO date"),
        ({"test_start": "2024-02-01", "time_column": "temp"}, r"column 'temp': '20' cannot be"),
        ({"time_column": "when"}, r"s\.csv line 1 \(the header\) has no column 'when'"),
        ({"test_file": "t.csv"}, r"t\.csv \(test_file\): no such file\. Name a CSV file in"),
        ({"test_file": "short.csv"}, r"short\.csv has 10 rows, fewer than one window"),
        ({"test_file": "short.csv", "test_periods": 8}, r"gives both a test file .* and a test"),
        ({"test_periods": 78}, r"s\.csv has 22 rows before the test period \(row 22\)"),
    ],
)
def test_a_bad_test_declaration_gets_an_error_naming_file_and_fix(tmp_path, cfg, message) -> None:
    path = write_series(tmp_path / "s.csv", 100)
    write_series(tmp_path / "short.csv", 10)
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        build_datasets("time_series_forecast", {**CFG, **cfg, "held_out": "test"}, str(path))


def test_a_test_file_with_other_columns_is_refused(tmp_path) -> None:
    path = write_series(tmp_path / "s.csv", 100)
    (tmp_path / "other.csv").write_text("date,price\n2024-01-01,3\n", encoding="utf-8")
    cfg = {**CFG, "test_file": "other.csv", "held_out": "test"}
    with pytest.raises(ValueError, match=r"other\.csv line 1 \(the header\) has no column 'load'"):
        build_datasets("time_series_forecast", cfg, str(path))
