"""Anomaly data: normal training windows, labelled anomalies held out, standardization from
the training data, table rows, and located errors in CSV files."""

from __future__ import annotations

import numpy as np
import pytest

from metagen.tasks.anomaly_detection.data import SYNTHETIC_ANOMALY_RATE
from metagen.tasks.runtime import build_datasets

SERIES = {
    "kind": "series_window",
    "window": 16,
    "channels": 2,
    "season_length": 8,
    "val_fraction": 0.2,
    "num_train": 300,
    "num_val": 40,
}
ROWS = {
    "kind": "tabular",
    "window": 1,
    "channels": 8,
    "num_features": 8,
    "val_fraction": 0.2,
    "num_train": 400,
    "num_val": 500,
}


def test_synthetic_series_train_normal_held_out_labelled() -> None:
    train, val, info = build_datasets("anomaly_detection", SERIES, "synthetic", seed=1)
    assert (len(train), len(val)) == (300, 40)
    sample = train[7]
    assert sample["values"].shape == (16, 2) and sample["labels"].shape == (16,)
    assert all(int(train[i]["labels"].sum()) == 0 for i in range(0, 300, 17))
    labels = np.concatenate([val[i]["labels"].numpy() for i in range(len(val))])
    assert labels.mean() >= SYNTHETIC_ANOMALY_RATE and labels.mean() < 0.1
    assert info["val_anomaly_rate"] == pytest.approx(labels.mean())
    # standardized with the training series' statistics
    values = np.concatenate([train[i]["values"].numpy() for i in range(0, 300, 16)])
    assert np.abs(values.mean(axis=0)).max() < 0.2 and np.abs(values.std(axis=0) - 1).max() < 0.2
    again = build_datasets("anomaly_detection", SERIES, "synthetic", seed=1)[1]
    assert (again[5]["values"] == val[5]["values"]).all()


def test_synthetic_rows_share_a_manifold_and_anomalies_leave_it() -> None:
    train, val, info = build_datasets("anomaly_detection", ROWS, "synthetic", seed=0)
    assert info["manifold_dim"] == 2 and train[0]["values"].shape == (1, 8)
    x = np.concatenate([train[i]["values"].numpy() for i in range(len(train))])
    # two directions explain almost all of the normal rows' variance
    explained = np.linalg.svd(x - x.mean(0), compute_uv=False) ** 2
    assert explained[:2].sum() / explained.sum() > 0.98
    labels = np.array([int(val[i]["labels"][0]) for i in range(len(val))])
    assert 0 < labels.sum() < len(labels)


def write(tmp_path, text: str, name: str = "d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def series_text(rows: int, anomalies: tuple[int, ...] = (), label: bool = True) -> str:
    lines = ["time,a,b" + (",label" if label else "")]
    for i in range(rows):
        tail = f",{int(i in anomalies)}" if label else ""
        lines.append(f"{i},{np.sin(i / 3):.4f},{np.cos(i / 5):.4f}{tail}")
    return "\n".join(lines) + "\n"


def test_csv_keeps_labelled_anomalies_out_of_training(tmp_path) -> None:
    path = write(tmp_path, series_text(200, anomalies=(20, 170, 171)))
    train, val, info = build_datasets("anomaly_detection", SERIES, str(path))
    assert info["label_column"] == "label" and info["columns"] == ["a", "b"]
    assert len(val) == 40 // 16  # 40 held-out rows in whole windows of 16
    assert len(train) == (160 - 16 + 1) - 16  # the 16 windows that hold row 20 are dropped
    assert sum(int(val[i]["labels"].sum()) for i in range(len(val))) == 2


def test_csv_value_columns_set_the_channels(tmp_path) -> None:
    path = write(tmp_path, series_text(200))
    # the spec planned 8 channels; the file's two value columns decide
    train, _, info = build_datasets("anomaly_detection", {**SERIES, "channels": 8}, str(path))
    assert info["channels"] == 2 and info["fit_dims"] == {"channels": 2}
    assert train[0]["values"].shape == (16, 2)


def test_csv_without_labels_is_unlabelled(tmp_path) -> None:
    path = write(tmp_path, series_text(200, label=False))
    _, val, info = build_datasets("anomaly_detection", SERIES, str(path))
    assert info["label_column"] is None and info["val_anomaly_rate"] is None
    assert (val[0]["labels"] == -1).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,label\n1,2,0\n1,2,yes\n", r"d\.csv line 3, column 'label': 'yes' is not 0 or 1"),
        ("time,label\n1,0\n", r"d\.csv line 1 \(the header\): no value column \(time, label are"),
        ("a,b\n1,x\n", r"line 2, column 'b': 'x' is not a number"),
        (
            series_text(30),
            r"30 rows; holding out the last 6 leaves 24 for training, and each part "
            r"needs at least one window of 16",
        ),
        (
            series_text(200, anomalies=tuple(range(0, 160, 10))),
            r"every training window holds a labelled anomaly",
        ),
    ],
)
def test_malformed_csv_gets_a_located_error(tmp_path, text, message) -> None:
    with pytest.raises(ValueError, match=message):
        build_datasets("anomaly_detection", SERIES, str(write(tmp_path, text)))
