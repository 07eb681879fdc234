"""The regression runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask, record_datasets

TASK = RuntimeTask(
    name="regression",
    datasets=record_datasets("regression"),
    loss="metagen.train.record_losses:regression_loss",
    evaluator="metagen.tasks.regression.evaluate:evaluate_regression",
    headline=("rmse", "mean_predictor_rmse", False),
    predictions="metagen.predictions.regression:collect_regression",
)
