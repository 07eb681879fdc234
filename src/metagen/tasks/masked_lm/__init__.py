"""The masked_lm runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="masked_lm",
    datasets={
        "text": "metagen.data.masked_text:build_masked_lm_datasets",
    },
    loss="metagen.train.losses:masked_lm_loss",
    evaluator="metagen.evaluate.masked_lm:evaluate_masked_lm",
    headline=("loss", "unigram_baseline_loss", False),
)
