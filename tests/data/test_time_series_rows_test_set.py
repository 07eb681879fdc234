"""Series classification from a CSV of one series per row: evaluate.py's held-out modes score
the user's test file ("test") or every row of the --data file ("given"), not a split of it."""

from __future__ import annotations

import numpy as np
import pytest

from metagen.tasks.runtime import build_datasets

CFG = {"kind": "series", "series_length": 8, "channels": 1, "num_classes": 2, "val_fraction": 0.25}


def write_rows(path, rows: int, seed: int, header: str = "t0,t1,t2,t3,label"):
    rng = np.random.default_rng(seed)
    lines = [header]
    for i in range(rows):
        label = "up" if i % 2 else "down"
        values = np.arange(4) * (1 if label == "up" else -1) + rng.normal(0, 0.1, 4)
        lines.append(",".join(f"{v:.3f}" for v in values) + f",{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_test_file_and_a_given_file_are_scored_whole(tmp_path) -> None:
    train_path = write_rows(tmp_path / "train.csv", 40, seed=0)
    write_rows(tmp_path / "held.csv", 10, seed=1)
    cfg = {**CFG, "test_file": "held.csv"}
    _, val, _ = build_datasets("classification", cfg, str(train_path))
    assert len(val) == 10  # training validates on a quarter of its own rows
    _, test, info = build_datasets("classification", {**cfg, "held_out": "test"}, str(train_path))
    assert len(test) == 10 and info["class_names"] == ["down", "up"]
    assert [int(test[i]["labels"]) for i in range(4)] == [0, 1, 0, 1]
    _, given, _ = build_datasets(
        "classification", {**CFG, "held_out": "given"}, str(tmp_path / "held.csv")
    )
    assert len(given) == 10


def test_a_test_file_with_other_columns_is_refused(tmp_path) -> None:
    train_path = write_rows(tmp_path / "train.csv", 40, seed=0)
    write_rows(tmp_path / "held.csv", 10, seed=1, header="a0,a1,a2,a3,label")
    cfg = {**CFG, "test_file": "held.csv", "held_out": "test"}
    with pytest.raises(ValueError, match=r"held\.csv:1: the columns .* differ from .*train\.csv"):
        build_datasets("classification", cfg, str(train_path))
