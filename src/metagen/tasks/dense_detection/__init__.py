"""The dense_detection runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="dense_detection",
    datasets={
        "image": "metagen.data.detection_data:build_detection_datasets",
    },
    loss="metagen.train.detection_losses:dense_detection_loss",
    evaluator="metagen.evaluate.detection_eval:evaluate_dense_detection",
    headline=("map", "no_detections_map", True),
    predictions="metagen.predictions.detections:collect_dense_detections",
)
