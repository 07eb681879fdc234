"""Embedding: vectors in which matching items lie close, for tabular rows (mlp), texts
(transformer) or time series (cnn). Trained on pairs with in-batch InfoNCE, or a batch-hard
triplet loss (`loss_variant: triplet` in config.json); recall@k over the held-out pairs beside
a random ranking's."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.task_encoders import ENCODER_INPUTS, plan_task_encoder

EMBEDDING_FAMILIES = ("mlp", "transformer", "cnn")
EMBEDDING_DIM = 128  # compared by cosine similarity; small beside BERT's 768
EMBEDDING_METRICS = [
    "loss",
    "recall_at_1",
    "recall_at_5",
    "recall_at_10",
    "chance_recall_at_1",
    "chance_recall_at_5",
    "chance_recall_at_10",
]


@register_task("embedding")
class EmbeddingTaskHandler(TaskHandler):
    name = "embedding"
    supported_modalities = ENCODER_INPUTS
    output_type = "embedding"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        head = (
            "head",
            f"Embedding head: linear projection to {EMBEDDING_DIM} dimensions, "
            "compared by cosine similarity",
        )
        plan_task_encoder(spec, blueprint, "embedding", EMBEDDING_FAMILIES, head, EMBEDDING_DIM)
        blueprint.decisions.append(
            "Each sample is a pair of views of one item; in-batch InfoNCE (temperature 0.1) "
            "asks every anchor to pick its own positive among the batch's (loss_variant "
            "triplet in config.json: a batch-hard triplet loss, margin 0.2)."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "embedding_head", "dim": blueprint.fixed_dims["num_outputs"]}

    def get_loss_function(self, spec) -> str:
        return "embedding"

    def get_metrics(self, spec) -> list[str]:
        return list(EMBEDDING_METRICS)
