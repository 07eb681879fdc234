"""The node_classification runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="node_classification",
    datasets={"graph": "metagen.tasks.node_classification.data:node_classification_datasets"},
    loss="metagen.tasks.node_classification.loss:node_classification_loss",
    evaluator="metagen.tasks.node_classification.evaluate:evaluate_node_classifier",
    headline=("accuracy", "majority_class_accuracy", True),
    predictions="metagen.tasks.node_classification.predictions:collect_node_class_scores",
)
