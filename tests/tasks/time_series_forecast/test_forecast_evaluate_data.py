"""The generated evaluate.py scores a forecast's declared test period, or the test file passed
with --data, window for window: the count of windows and the seasonal-naive MAE over exactly
those windows, computed here from the CSV, pin which rows were scored."""

from __future__ import annotations

import numpy as np
import pytest
from tests.codegen.generated import synth_run
from tests.e2e.runs import read_json, run_script
from tests.tasks.time_series_forecast.test_forecast_test_split import write_series

LOOKBACK, HORIZON, SEASON, TEST_PERIODS = 16, 4, 7, 30
SPEC = f"""
metagen_version: "1.0"
name: declared_test
modality:
  inputs: [time_series]
  outputs: [time_series]
  time_series: {{season_length: {SEASON}}}
task: {{type: time_series_forecast, horizon: {HORIZON}, lookback: {LOOKBACK}}}
architecture: {{family: mlp, variant: dlinear}}
data: {{target: load, test_periods: {TEST_PERIODS}}}
"""


def naive_mae(load: np.ndarray, first: int, end: int) -> float:
    """The seasonal-naive forecast's MAE over the windows that forecast rows [first, end)."""
    errors = []
    for row in range(first, end - HORIZON + 1):  # the window's first forecast row
        season = load[row - SEASON : row]
        errors += [abs(load[row + h] - season[h % SEASON]) for h in range(HORIZON)]
    return float(np.mean(errors))


def load_column(path) -> np.ndarray:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return np.array([float(line.split(",")[1]) for line in lines])


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("declared")
    data = write_series(root / "series.csv", 200)
    (root / "spec.yaml").write_text(SPEC, encoding="utf-8")
    run = synth_run(root / "spec.yaml", root / "runs")
    out = root / "out"
    run_script(run / "code", "train.py", "--scale", "smoke", "--data", str(data), "--steps", "5",
               "--out", str(out), "--no-progress")  # fmt: skip
    return run, out, data


def test_evaluate_scores_the_declared_test_period(trained) -> None:
    run, out, data = trained
    info = read_json(out / "data_info.json")
    assert info["test_rows"] == [170, 200]
    # training held out the validation rows before the test period, not the test period
    assert read_json(out / "metrics.json")["eval"]["num_samples"] == 34 - HORIZON + 1
    load = load_column(data)
    for extra in ([], ["--data", str(data)]):  # the run's own data, or the same file given
        scored = run.parent / f"eval{len(extra)}"
        run_script(run / "code", "evaluate.py", "--checkpoint", str(out), "--out", str(scored),
                   *extra)  # fmt: skip
        metrics = read_json(scored / "metrics.json")
        assert metrics["num_samples"] == TEST_PERIODS - HORIZON + 1
        assert metrics["naive_mae"] == pytest.approx(naive_mae(load, 170, 200), rel=1e-5)


def test_evaluate_data_scores_a_test_file_whole(trained, tmp_path) -> None:
    run, out, _ = trained
    later = write_series(tmp_path / "later.csv", 50, offset=200)
    run_script(run / "code", "evaluate.py", "--checkpoint", str(out), "--data", str(later),
               "--out", str(tmp_path / "eval"))  # fmt: skip
    metrics = read_json(tmp_path / "eval" / "metrics.json")
    # the run declares 30 test steps; a file of 50 rows is scored as the test period it holds
    assert metrics["num_samples"] == TEST_PERIODS - HORIZON + 1
    assert metrics["naive_mae"] == pytest.approx(naive_mae(load_column(later), 20, 50), rel=1e-5)
