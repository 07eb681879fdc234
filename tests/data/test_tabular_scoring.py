"""evaluate.py --data on a table: every row of the file is scored ("given"), read with the
trained run's classes and standardization (its data_info.json), not the file's own."""

import csv
from pathlib import Path

import numpy as np
import pytest
import torch

from metagen.tasks.runtime import build_datasets


def write_table(path: Path, rows: list[tuple[float, float, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["a", "b", "target"])
        writer.writerows(rows)
    return path


def trained(tmp_path: Path, task: str, rows) -> dict:
    cfg = {"kind": "tabular", "val_fraction": 0.25}
    _, _, info = build_datasets(task, cfg, str(write_table(tmp_path / "train.csv", rows)), 0)
    return info


TRAINING = [(float(i), 10.0 * i, ("small", "big")[i >= 8]) for i in range(16)]


def test_every_row_of_the_given_file_is_scored_with_the_trained_classes_and_scale(tmp_path):
    info = trained(tmp_path, "classification", TRAINING)
    test = write_table(tmp_path / "test.csv", [(20.0, 200.0, "big"), (30.0, 300.0, "big")])
    cfg = {"kind": "tabular", "val_fraction": 0.25, "held_out": "given", "trained_info": info}
    _, held_out, _ = build_datasets("classification", cfg, str(test), 0)
    assert len(held_out) == 2  # not a validation share of it
    labels = torch.stack([held_out[i]["labels"] for i in range(2)])
    assert labels.tolist() == [info["class_names"].index("big")] * 2  # the trained order
    features = torch.stack([held_out[i]["features"] for i in range(2)]).numpy()
    mean, std = np.array(info["feature_mean"]), np.array(info["feature_std"])
    np.testing.assert_allclose(features, (np.array([[20, 200], [30, 300]]) - mean) / std, rtol=1e-5)


def test_a_class_the_model_never_saw_is_refused_by_name(tmp_path):
    info = trained(tmp_path, "classification", TRAINING)
    test = write_table(tmp_path / "test.csv", [(1.0, 1.0, "small"), (2.0, 2.0, "huge")])
    cfg = {"kind": "tabular", "val_fraction": 0.25, "held_out": "given", "trained_info": info}
    with pytest.raises(ValueError, match="class 'huge' is not one the model was trained on"):
        build_datasets("classification", cfg, str(test), 0)


def test_a_regression_target_is_scaled_as_in_training(tmp_path):
    rows = [(float(i), 2.0 * i, str(3.0 * i)) for i in range(16)]
    info = trained(tmp_path, "regression", rows)
    test = write_table(tmp_path / "test.csv", [(40.0, 80.0, "120.0"), (0.0, 0.0, "0.0")])
    cfg = {"kind": "tabular", "val_fraction": 0.25, "held_out": "given", "trained_info": info}
    _, held_out, _ = build_datasets("regression", cfg, str(test), 0)
    (target,) = held_out[0]["targets"].tolist()
    expected = (120.0 - info["target_mean"][0]) / info["target_std"][0]
    assert target == pytest.approx(expected, rel=1e-5)
