"""The time_series_forecast runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="time_series_forecast",
    datasets={
        "forecast": "metagen.data.forecast_data:build_forecast_datasets",
    },
    loss="metagen.train.series_losses:forecast_loss",
    evaluator="metagen.evaluate.forecast_eval:evaluate_forecaster",
    headline=("mase", "naive_mase", False),
)
