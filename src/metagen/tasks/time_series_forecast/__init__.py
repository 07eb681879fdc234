"""The time_series_forecast runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="time_series_forecast",
    datasets={
        "forecast": "metagen.tasks.time_series_forecast.data_split:build_forecast_datasets",
    },
    loss="metagen.tasks.time_series_forecast.loss:forecast_loss",
    evaluator="metagen.tasks.time_series_forecast.evaluate:evaluate_forecaster",
    headline=("mase", "naive_mase", False),
    predictions="metagen.tasks.time_series_forecast.predictions:collect_forecasts",
)
