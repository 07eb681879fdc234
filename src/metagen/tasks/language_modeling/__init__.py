"""The language_modeling runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="language_modeling",
    datasets={
        "text": "metagen.tasks.language_modeling.data:language_model_datasets",
    },
    loss="metagen.train.losses:language_modeling_loss",
    evaluator="metagen.evaluate.lm_eval:evaluate_language_model",
    headline=("loss", "unigram_entropy_nats", False),
    predictions="metagen.tasks.language_modeling.predictions:collect_continuations",
)
