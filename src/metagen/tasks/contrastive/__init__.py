"""The contrastive runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="contrastive",
    datasets={
        "image_text": "metagen.data.image_captions:build_contrastive_datasets",
    },
    loss="metagen.tasks.contrastive.loss:contrastive_loss",
    evaluator="metagen.tasks.contrastive.evaluate:evaluate_contrastive",
    # Galleries repeat captions (many images fit "a red circle"), so the headline asks whether
    # the image a caption retrieves fits that caption, not whether it is the one it came with.
    headline=("same_caption_at_1_text_to_image", "chance_same_caption_at_1", True),
    predictions="metagen.tasks.contrastive.predictions:collect_retrieval",
)
