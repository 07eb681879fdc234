"""The audio_generation runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="audio_generation",
    datasets={
        "audio": "metagen.tasks.audio_generation.data:audio_generation_datasets",
    },
    # next mu-law sample: the same cross-entropy as next-token language modelling
    loss="metagen.train.losses:language_modeling_loss",
    evaluator="metagen.tasks.audio_generation.evaluate:evaluate_audio_generation",
    headline=("loss", "unigram_entropy_nats", False),
    predictions="metagen.tasks.audio_generation.predictions:collect_continuations",
)
