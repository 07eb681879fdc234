"""The set_detection runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="set_detection",
    datasets={
        "image": "metagen.data.detection_data:build_detection_datasets",
    },
    loss="metagen.tasks.set_detection.loss:set_detection_loss",
    evaluator="metagen.tasks.set_detection.evaluate:evaluate_set_detection",
    headline=("map", "no_detections_map", True),
    predictions="metagen.tasks.set_detection.predictions:collect_set_detections",
)
