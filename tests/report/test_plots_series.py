"""The plots of anomaly detectors and forecasters show measured numbers: the anomaly threshold
and ROC are the evaluator's (and scikit-learn's on the saved scores), the forecasts drawn are
the ones collected, and a CSV's held-out windows are drawn at their own dates."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
import torch
from sklearn import metrics as skm
from tests.report.test_plots_records import CPU, collected_and_evaluated, drawn, held_out_batches

from metagen.tasks.anomaly_detection.evaluate import evaluate_anomaly_detector
from metagen.tasks.anomaly_detection.predictions import collect_anomaly_scores
from metagen.tasks.time_series_forecast.predictions import iso_dates

FIRST_DAY = date(2023, 1, 1)


def test_anomaly_plot_has_the_evaluators_threshold_and_auc(tmp_path) -> None:
    collected, metrics = collected_and_evaluated("anomaly_detection")
    saved, plots = drawn(collected, tmp_path)
    shown = plots["anomaly_scores"]
    assert shown["threshold"] == metrics["threshold"]
    anomalous = saved["labels"] == 1
    assert len(anomalous) == metrics["num_scored_points"]  # the scored half, whole
    auc = skm.roc_auc_score(anomalous, saved["scores"])
    assert shown["roc"]["auc"] == pytest.approx(auc)
    assert auc == pytest.approx(metrics["roc_auc"], abs=1e-6)
    groups = shown["histograms"]["groups"]
    assert sum(groups["anomalous"]["counts"]) == int(anomalous.sum()) > 0
    assert sum(groups["normal"]["counts"]) == int((~anomalous).sum())


def test_unlabelled_anomaly_scores_are_drawn_with_the_quantile_threshold(tmp_path) -> None:
    model, batches, info = held_out_batches("anomaly_detection")
    for batch in batches:
        batch["labels"] = torch.full_like(batch["labels"], -1)  # a CSV without labels
    with torch.no_grad():
        collected = collect_anomaly_scores(model, batches, CPU, info)
        metrics = evaluate_anomaly_detector(model, batches, CPU)
    saved, plots = drawn(collected, tmp_path)
    assert "labels" not in saved and "roc" not in plots["anomaly_scores"]
    assert plots["anomaly_scores"]["threshold"] == metrics["threshold"]
    counts = plots["anomaly_scores"]["histograms"]["groups"]["every point"]["counts"]
    assert sum(counts) == len(saved["scores"]) == sum(b["labels"].numel() for b in batches)


def test_forecast_plots_draw_the_collected_forecasts(tmp_path) -> None:
    collected, metrics = collected_and_evaluated("time_series_forecast")
    saved, plots = drawn(collected, tmp_path)
    assert plots["forecasts"]["time_axis"] == "step (synthetic series: no timestamps)"
    windows = plots["forecasts"]["windows"]
    assert [w["window"] for w in windows] == saved["window_index"].tolist()
    assert len(windows) >= 2
    for shown, history in zip(windows, saved["history"], strict=True):
        w = shown["window"]
        np.testing.assert_allclose(shown["forecast"], saved["forecast"][w])
        np.testing.assert_allclose(shown["truth"], saved["truth"][w])
        np.testing.assert_allclose(shown["naive"], saved["naive"][w])
        np.testing.assert_allclose(shown["history"], history)
        assert shown["x"][: len(history)][-1] == -1 and shown["x"][len(history)] == 0
    by_step = plots["forecast_error_by_step"]
    # every window has every step: the mean over steps is the evaluator's MAE
    assert np.mean(by_step["forecast_mae"]) == pytest.approx(metrics["mae"], rel=1e-5)
    assert np.mean(by_step["naive_mae"]) == pytest.approx(metrics["naive_mae"], rel=1e-5)
    assert by_step["windows"] == metrics["num_samples"]


def test_forecasts_of_a_dated_csv_are_drawn_at_their_dates(tmp_path) -> None:
    days = 400
    values = [10 + 3 * np.sin(2 * np.pi * i / 7) + 0.01 * i for i in range(days)]
    rows = [f"{FIRST_DAY + timedelta(days=i)},{v:.6f}" for i, v in enumerate(values)]
    path = tmp_path / "load.csv"
    path.write_text("date,load\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = {"season_length": 7, "target_column": None}
    collected, _ = collected_and_evaluated("time_series_forecast", data=data, source=str(path))
    assert collected["time_axis"] == "date"
    saved, plots = drawn(collected, tmp_path)
    for shown in plots["forecasts"]["windows"]:
        dates = [date.fromisoformat(x) for x in shown["x"]]
        rows_of_window = [(d - FIRST_DAY).days for d in dates]
        assert rows_of_window == list(range(rows_of_window[0], rows_of_window[0] + len(dates)))
        # the values drawn at a date are the file's values of that date
        lookback = len(shown["history"])
        in_file = [values[r] for r in rows_of_window]
        np.testing.assert_allclose(shown["history"], in_file[:lookback], atol=1e-4)
        np.testing.assert_allclose(shown["truth"], in_file[lookback:], atol=1e-4)


def test_forecasts_of_an_undated_csv_are_drawn_by_step(tmp_path) -> None:
    path = tmp_path / "load.csv"
    rows = [f"{i},{10 + np.sin(i / 2):.4f}" for i in range(300)]
    path.write_text("time,load\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = {"season_length": 12, "target_column": None}
    collected, _ = collected_and_evaluated("time_series_forecast", data=data, source=str(path))
    assert "times" not in collected
    assert collected["time_axis"] == "step (column 'time' does not hold ISO dates)"


@pytest.mark.parametrize(
    ("cells", "column", "dated"),
    [(["2024-01-31", "2024-02-01"], "date", True), (["2024-01-31 10:00"], "ds", True),
     (["1990", "1991"], "year", True), (["7", "8"], "time", False),
     (["1990", "1991"], "time", False), (["31/01/2024"], "date", False)],
)  # fmt: skip
def test_only_iso_dates_or_years_are_read_as_dates(cells, column, dated) -> None:
    assert (iso_dates(cells, column) is not None) == dated
