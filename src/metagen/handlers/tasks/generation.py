"""Generation: the modality handler decides what generating means (next-token language
modelling for text); this handler attaches that runtime task's loss and metrics."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task

# Runtime task -> metrics that evaluate.py reports for it. A modality handler that adds a
# generative runtime task adds its metrics here.
GENERATION_METRICS: dict[str, list[str]] = {
    "contrastive": [
        "loss",
        "r1_text_to_image",
        "r5_text_to_image",
        "r1_image_to_text",
        "r5_image_to_text",
        "r10_text_to_image",
        "r10_image_to_text",
        "chance_r1",
        "chance_r5",
        "chance_r10",
        "map_text_to_image",
        "map_image_to_text",
        "clip_score",
        "clip_score_mismatched",
        "same_caption_at_1_text_to_image",
        "chance_same_caption_at_1",
    ],
    "vlm": [
        "loss",
        "perplexity",
        "token_accuracy",
        "unigram_entropy_nats",
        "loss_mismatched_images",
        "bleu",
        "rouge_l",
        "cider_d",
        "meteor_exact_stem",
        "constant_caption_bleu",
        "constant_caption_rouge_l",
        "constant_caption_cider_d",
        "constant_caption_meteor_exact_stem",
    ],
    "language_modeling": ["loss", "perplexity", "bits_per_byte", "unigram_entropy_nats"],
    # denoising MSE, which the model must bring below that of predicting zero noise
    "diffusion": ["loss", "zero_noise_mse"],
    "audio_generation": ["loss", "perplexity", "bits_per_sample", "unigram_entropy_nats"],
    "masked_lm": [
        "loss",
        "accuracy",
        "perplexity",
        "unigram_baseline_loss",
        "no_context_baseline_loss",
    ],
}


@register_task("generation")
class GenerationTaskHandler(TaskHandler):
    name = "generation"
    supported_modalities = ("text", "image", "audio", "video", "multimodal")
    output_type = "generated"

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        if blueprint.task not in GENERATION_METRICS:
            raise PlanError(
                f"The {blueprint.arch or 'chosen'} architecture has no generative training "
                "task; set task.type (for example classification) or training.objective."
            )
        blueprint.loss = self.get_loss_function(spec, blueprint)
        blueprint.metrics = list(GENERATION_METRICS[blueprint.task])
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": f"{blueprint.task}_head", "arch": blueprint.arch}

    def get_loss_function(self, spec, blueprint: Blueprint | None = None) -> str:
        # The runtime LOSSES registry is keyed by the runtime task.
        return blueprint.task if blueprint else "generation"

    def get_metrics(self, spec) -> list[str]:
        return sorted({m for ms in GENERATION_METRICS.values() for m in ms})
