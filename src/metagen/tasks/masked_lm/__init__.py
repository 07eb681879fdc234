"""The masked_lm runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="masked_lm",
    datasets={
        "text": "metagen.tasks.masked_lm.data:build_masked_lm_datasets",
    },
    loss="metagen.tasks.masked_lm.loss:masked_lm_loss",
    evaluator="metagen.tasks.masked_lm.evaluate:evaluate_masked_lm",
    headline=("loss", "unigram_baseline_loss", False),
    predictions="metagen.tasks.masked_lm.predictions:collect_mask_fills",
)
