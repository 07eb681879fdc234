"""The graph_classification runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="graph_classification",
    datasets={"graph": "metagen.tasks.graph_classification.data:graph_classification_datasets"},
    loss="metagen.tasks.graph_classification.loss:graph_classification_loss",
    evaluator="metagen.tasks.graph_classification.evaluate:evaluate_graph_classifier",
    headline=("accuracy", "majority_class_accuracy", True),
    predictions="metagen.predictions.class_scores:collect_class_scores",
)
