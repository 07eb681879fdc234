"""The anomaly_detection runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="anomaly_detection",
    datasets={
        "series_window": "metagen.data.anomaly_data:build_anomaly_datasets",
        "tabular": "metagen.data.anomaly_data:build_anomaly_datasets",
    },
    loss="metagen.train.series_losses:anomaly_reconstruction_loss",
    evaluator="metagen.evaluate.anomaly_eval:evaluate_anomaly_detector",
    headline=("roc_auc", "random_roc_auc", True),
)
