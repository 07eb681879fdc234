"""The fusion_classification runtime task's registry row: a classifier over several input
modalities (archs/fusion_net), scored with each modality removed as well as with all."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="fusion_classification",
    datasets={"fusion": "metagen.tasks.fusion_classification.data:fusion_datasets"},
    loss="metagen.tasks.fusion_classification.loss:fusion_loss",
    evaluator="metagen.tasks.fusion_classification.evaluate:evaluate_fusion",
    headline=("accuracy", "majority_class_accuracy", True),
    predictions="metagen.predictions.class_scores:collect_class_scores",
)
