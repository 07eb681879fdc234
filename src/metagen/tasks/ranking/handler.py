"""Ranking: a relevance score per item of a list, for tabular rows (mlp) or query-document
texts (transformer). Pairwise RankNet, or listwise ListNet (`loss_variant: listnet` in
config.json); NDCG@k and MRR per list beside a random order's."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.task_encoders import plan_task_encoder

RANKING_FAMILIES = ("mlp", "transformer")
RANKING_LIST_SIZE = 10  # items per synthetic list
RANKING_METRICS = [
    "loss",
    "ndcg_at_5",
    "ndcg_at_10",
    "mrr",
    "random_ndcg_at_5",
    "random_ndcg_at_10",
    "random_mrr",
]


@register_task("ranking")
class RankingTaskHandler(TaskHandler):
    name = "ranking"
    supported_modalities = ("tabular", "text")
    output_type = "regression"  # a score per item
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        head = ("head", "Scoring head: one relevance score per item (the list is sorted by it)")
        plan_task_encoder(spec, blueprint, "ranking", RANKING_FAMILIES, head, 1)
        blueprint.data["list_size"] = RANKING_LIST_SIZE
        blueprint.decisions.append(
            "A sample is a list of items with graded relevance (0 = irrelevant); RankNet "
            "compares every pair with different grades (loss_variant listnet in config.json: "
            'ListNet\'s top-one cross-entropy). A text item is "query | document".'
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "scoring_head", "num_outputs": 1}

    def get_loss_function(self, spec) -> str:
        return "ranking"

    def get_metrics(self, spec) -> list[str]:
        return list(RANKING_METRICS)
