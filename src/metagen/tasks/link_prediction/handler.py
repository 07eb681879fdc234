"""Link prediction: a GNN embeds every node of the graph (its last layer's output), and a
pair's score is the dot product of its two embeddings; trained against sampled non-edges,
scored by ROC-AUC and Hits@K on held-out edges beside common neighbours."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.graph_plan import plan_gnn
from metagen.handlers.tasks.registry import register_task

LINK_EMBEDDING = 32  # the width of a node's embedding, the dot product's length
SYNTHETIC_LINK_FEATURES = 16  # tasks/link_prediction/data.py LINK_FEATURES
LINK_METRICS = [
    "loss",
    "auc",
    "hits_at_10",
    "common_neighbours_auc",
    "common_neighbours_hits_at_10",
]


@register_task("link_prediction")
class LinkPredictionTaskHandler(TaskHandler):
    name = "link_prediction"
    supported_modalities = ("graph",)
    output_type = "embedding"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        plan_gnn(
            spec, blueprint, "link_prediction", "none", SYNTHETIC_LINK_FEATURES, LINK_EMBEDDING
        )
        blueprint.data.update(kind="graph", num_features=SYNTHETIC_LINK_FEATURES)
        blueprint.decisions.append(
            f"Graph data: {SYNTHETIC_LINK_FEATURES} node features (the built-in planted "
            "communities'); a graph folder resizes them. A tenth of the edges is held out of "
            "the graph the model passes messages over, with as many non-edges; a pair scores "
            f"the dot product of its {LINK_EMBEDDING}-wide node embeddings."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "dot_product", "embedding": LINK_EMBEDDING}

    def get_loss_function(self, spec) -> str:
        return "link_prediction"

    def get_metrics(self, spec) -> list[str]:
        return list(LINK_METRICS)
