"""The semantic_segmentation runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="semantic_segmentation",
    datasets={
        "image": "metagen.data.segmentation_data:build_semantic_datasets",
    },
    loss="metagen.train.segmentation_losses:semantic_segmentation_loss",
    evaluator="metagen.tasks.semantic_segmentation.evaluate:evaluate_semantic_segmentation",
    headline=("mean_iou", "baseline_mean_iou", True),
    predictions="metagen.predictions.segmentation:collect_semantic_segmentation",
)
