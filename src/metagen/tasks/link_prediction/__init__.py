"""The link_prediction runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="link_prediction",
    datasets={"graph": "metagen.tasks.link_prediction.data:link_prediction_datasets"},
    loss="metagen.tasks.link_prediction.loss:link_prediction_loss",
    evaluator="metagen.tasks.link_prediction.evaluate:evaluate_link_predictor",
    headline=("auc", "common_neighbours_auc", True),
    predictions="metagen.tasks.link_prediction.predictions:collect_pair_scores",
)
