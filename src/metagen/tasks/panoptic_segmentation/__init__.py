"""The panoptic_segmentation runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="panoptic_segmentation",
    datasets={
        "image": "metagen.data.segmentation_data:build_panoptic_datasets",
    },
    loss="metagen.train.segmentation_losses:panoptic_segmentation_loss",
    evaluator="metagen.tasks.panoptic_segmentation.evaluate:evaluate_panoptic_segmentation",
    headline=("pq", "baseline_pq", True),
    predictions="metagen.tasks.panoptic_segmentation.predictions:collect_panoptic_segmentation",
)
