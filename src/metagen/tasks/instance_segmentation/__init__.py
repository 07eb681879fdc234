"""The instance_segmentation runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="instance_segmentation",
    datasets={
        "image": "metagen.data.detection_data:build_detection_datasets",
    },
    loss="metagen.tasks.instance_segmentation.loss:instance_segmentation_loss",
    evaluator="metagen.tasks.instance_segmentation.evaluate:evaluate_instance_segmentation",
    headline=("mask_map", "mask_no_detections_map", True),
    predictions="metagen.tasks.instance_segmentation.predictions:collect_instance_segmentation",
)
