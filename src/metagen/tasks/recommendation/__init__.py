"""The recommendation runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="recommendation",
    datasets={"interactions": "metagen.tasks.recommendation.data:recommendation_datasets"},
    loss="metagen.tasks.recommendation.loss:in_batch_softmax_loss",
    evaluator="metagen.tasks.recommendation.evaluate:evaluate_recommender",
    headline=("recall_at_10", "popularity_recall_at_10", True),
    predictions="metagen.tasks.recommendation.predictions:collect_recommendation_hits",
)
