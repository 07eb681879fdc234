"""Forecasting data: synthetic seasonal series, CSV files and their located errors, and the
chronological split of a CSV into training and held-out windows."""

from __future__ import annotations

import numpy as np
import pytest

from metagen.data.time_series_csv import read_series_csv
from metagen.tasks.runtime import build_datasets
from metagen.tasks.time_series_forecast.data import detect_season_length
from metagen.tasks.time_series_forecast.data_synthetic import seasonal_series, series_rng

CFG = {
    "lookback": 16,
    "horizon": 4,
    "channels": 1,
    "season_length": None,
    "target_column": None,
    "val_fraction": 0.2,
    "num_train": 50,
    "num_val": 10,
}


def write_csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def series_csv(tmp_path, rows: int, name: str = "s.csv"):
    lines = ["date,load,temp"] + [
        f"2024-01-{i},{10 + np.sin(i / 2):.4f},{20 + i % 5}" for i in range(rows)
    ]
    return write_csv(tmp_path / name, "\n".join(lines) + "\n")


def test_synthetic_windows_are_deterministic_and_seasonal() -> None:
    train, val, info = build_datasets("time_series_forecast", CFG, "synthetic", seed=3)
    assert (len(train), len(val)) == (50, 10)
    assert info["season_length"] == 8  # 24 capped at lookback / 2
    first, again = train[5], train[5]
    assert first["past"].shape == (16, 1) and first["targets"].shape == (4,)
    assert all((first[k] == again[k]).all() for k in first)
    assert not (train[5]["past"] == val[5]["past"]).all()  # separate seeds per split
    # a long synthetic series' season is found again from its autocorrelation
    series = seasonal_series(400, 1, 8, series_rng(0, 0))[:, 0]
    assert detect_season_length(series, 20) == 8


def test_csv_reads_the_target_last_and_skips_the_time_column(tmp_path) -> None:
    path = series_csv(tmp_path, 30)
    values, columns = read_series_csv(path, channels=2, target="load")
    assert columns == ["temp", "load"] and values.shape == (30, 2)
    values, columns = read_series_csv(path, channels=1, target=None)
    assert columns == ["temp"]  # the last value column by default
    assert values[:5, 0].tolist() == [20, 21, 22, 23, 24]


def test_csv_split_holds_out_the_last_rows(tmp_path) -> None:
    path = series_csv(tmp_path, 60)
    cfg = {**CFG, "target_column": "load", "season_length": 4}
    train, val, info = build_datasets("time_series_forecast", cfg, str(path))
    assert info["train_rows"] == 48 and info["target_column"] == "load"
    assert len(train) == 48 - 16 - 4 + 1
    assert len(val) == 60 - 4 - 48 + 1
    # every held-out target lies in the last 12 rows; no training target does
    values = read_series_csv(path, 1, "load")[0][:, 0]
    held_out = {round(v, 4) for v in values[48:]}
    assert all(round(float(v), 4) in held_out for s in val for v in s["targets"])
    last_train = train[len(train) - 1]["targets"]
    assert np.allclose(last_train.numpy(), values[44:48], atol=1e-4)


def test_season_is_detected_when_the_spec_gives_none(tmp_path) -> None:
    rows = ["value"] + [f"{np.sin(2 * np.pi * i / 6) + 0.01 * i:.5f}" for i in range(120)]
    path = write_csv(tmp_path / "six.csv", "\n".join(rows) + "\n")
    _, _, info = build_datasets("time_series_forecast", CFG, str(path))
    assert info["season_length"] == 6 and "detected" in info["season_source"]


@pytest.mark.parametrize(
    ("text", "cfg", "message"),
    [
        ("date,load\n1,2.0\n2,abc\n", {}, r"bad\.csv line 3, column 'load': 'abc' is not a number"),
        ("date,load\n1,2.0\n2,\n", {}, r"bad\.csv line 3, column 'load' is empty"),
        ("date,load\n1,2.0\n2,nan\n", {}, r"line 3, column 'load': 'nan' is not a finite number"),
        ("date,load\n1,2.0,3\n", {}, r"bad\.csv line 2: 3 fields, but the header has 2"),
        ("", {}, r"bad\.csv is empty: it needs a header row"),
        ("date,load\n", {}, r"has a header but no data rows"),
        ("date,year\n1,2\n", {}, r"every column \(date, year\) is a time column"),
        ("a,b\n1,2\n", {"target_column": "c"}, r"no value column 'c'.*value columns are a, b"),
        (
            "a,b,c\n1,2,3\n",
            {"target_column": ["a", "d"]},
            r"bad\.csv line 1 \(the header\) has no column 'd' \(target_column\)",
        ),
        (
            "load\n" + "1.0\n" * 24,
            {},
            r"24 rows: after holding out the last 5 for validation, "
            r"19 remain, fewer than one window of lookback 16 \+ horizon 4",
        ),
        (
            "load\n" + "1.0\n" * 40,
            {"season_length": 16},
            r"season length 16 \(modality.time_series.season_length\) must be .* below the lookback",
        ),
    ],
)
def test_malformed_csv_gets_a_located_error(tmp_path, text, cfg, message) -> None:
    path = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=message):
        build_datasets("time_series_forecast", {**CFG, **cfg}, str(path))


def test_missing_file_folder_and_wrong_suffix(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        build_datasets("time_series_forecast", CFG, str(tmp_path / "nope.csv"))
    with pytest.raises(ValueError, match="is a folder; forecasting reads one CSV file"):
        build_datasets("time_series_forecast", CFG, str(tmp_path))
    (tmp_path / "s.json").write_text("{}")
    with pytest.raises(ValueError, match=r"expected a \.csv file"):
        build_datasets("time_series_forecast", CFG, str(tmp_path / "s.json"))
