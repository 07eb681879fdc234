"""The classification runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask, record_datasets

TASK = RuntimeTask(
    name="classification",
    datasets={
        "image": "metagen.tasks.classification.data:image_classification_datasets",
        "audio": "metagen.tasks.classification.data_audio:audio_classification_datasets",
        "video": "metagen.tasks.classification.data_video:build_video_classification",
        **record_datasets("classification"),
    },
    loss="metagen.tasks.classification.loss:classification_loss",
    evaluator="metagen.tasks.classification.evaluate:evaluate_classifier",
    headline=("accuracy", "majority_class_accuracy", True),
    predictions="metagen.predictions.class_scores:collect_class_scores",
)
