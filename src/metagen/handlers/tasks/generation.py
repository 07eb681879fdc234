"""Generation: for text, next-token language modelling."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task


@register_task("generation")
class GenerationTaskHandler(TaskHandler):
    name = "generation"
    supported_modalities = ("text",)
    output_type = "text"

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        blueprint.task = "language_modeling"
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        dims = blueprint.fixed_dims
        return {"type": "lm_head", "vocab_size": dims.get("vocab_size"),
                "tied": dims.get("tie_embeddings")}

    def get_loss_function(self, spec) -> str:
        return "language_modeling"

    def get_metrics(self, spec) -> list[str]:
        return ["loss", "perplexity", "bits_per_byte"]
