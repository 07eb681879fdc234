"""The sequence_labeling runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="sequence_labeling",
    datasets={
        "tagging": "metagen.tasks.sequence_labeling.data:build_tagging_datasets",
    },
    loss="metagen.tasks.sequence_labeling.loss:sequence_labeling_loss",
    evaluator="metagen.tasks.sequence_labeling.evaluate:evaluate_tagger",
    headline=("entity_f1", "all_o_entity_f1", True),
    predictions="metagen.tasks.sequence_labeling.predictions:collect_tag_scores",
)
