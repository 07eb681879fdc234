"""The vlm runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="vlm",
    datasets={
        "image_text": "metagen.data.image_captions:build_vlm_datasets",
    },
    loss="metagen.tasks.vlm.loss:caption_loss",
    evaluator="metagen.tasks.vlm.evaluate:evaluate_captioning",
    headline=("loss", "unigram_entropy_nats", False),
    predictions="metagen.predictions.captions:collect_captions",
)
