"""The anomaly_detection runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="anomaly_detection",
    datasets={
        "series_window": "metagen.tasks.anomaly_detection.data:build_anomaly_datasets",
        "tabular": "metagen.tasks.anomaly_detection.data:build_anomaly_datasets",
    },
    loss="metagen.tasks.anomaly_detection.loss:anomaly_reconstruction_loss",
    evaluator="metagen.tasks.anomaly_detection.evaluate:evaluate_anomaly_detector",
    headline=("roc_auc", "random_roc_auc", True),
    predictions="metagen.tasks.anomaly_detection.predictions:collect_anomaly_scores",
)
