"""The classification runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask, record_datasets

TASK = RuntimeTask(
    name="classification",
    datasets={
        "image": "metagen.data.image_classification:image_classification_datasets",
        "audio": "metagen.data.audio_data:audio_classification_datasets",
        "video": "metagen.data.video_builders:build_video_classification",
        **record_datasets("classification"),
    },
    loss="metagen.train.losses:classification_loss",
    evaluator="metagen.evaluate.classification_eval:evaluate_classifier",
    headline=("accuracy", "majority_class_accuracy", True),
)
