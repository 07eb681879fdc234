"""The sequence_labeling runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="sequence_labeling",
    datasets={
        "tagging": "metagen.data.tagging_data:build_tagging_datasets",
    },
    loss="metagen.train.tagging_loss:sequence_labeling_loss",
    evaluator="metagen.evaluate.tagging_eval:evaluate_tagger",
    headline=("entity_f1", "all_o_entity_f1", True),
)
