"""The ranking runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask, record_datasets

TASK = RuntimeTask(
    name="ranking",
    datasets=record_datasets("ranking", ("tabular", "text")),
    loss="metagen.train.record_losses:ranking_loss",
    evaluator="metagen.tasks.ranking.evaluate:evaluate_ranking",
    headline=("ndcg_at_10", "random_ndcg_at_10", True),
    predictions="metagen.tasks.ranking.predictions:collect_ranked_lists",
)
