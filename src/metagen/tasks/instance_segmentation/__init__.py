"""The instance_segmentation runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="instance_segmentation",
    datasets={
        "image": "metagen.data.detection_data:build_detection_datasets",
    },
    loss="metagen.train.condinst_masks:instance_segmentation_loss",
    evaluator="metagen.evaluate.instance_eval:evaluate_instance_segmentation",
    headline=("mask_map", "mask_no_detections_map", True),
)
