"""The embedding runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask, record_datasets

TASK = RuntimeTask(
    name="embedding",
    datasets=record_datasets("embedding"),
    loss="metagen.train.record_losses:embedding_loss",
    evaluator="metagen.tasks.embedding.evaluate:evaluate_embedding",
    headline=("recall_at_1", "chance_recall_at_1", True),
    predictions="metagen.tasks.embedding.predictions:collect_retrieval",
)
