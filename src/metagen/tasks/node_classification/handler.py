"""Node classification: a GNN whose last layer gives class logits per node (Kipf & Welling's
Cora models), trained on some labelled nodes of one graph; accuracy on held-out nodes beside
their majority class."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.graph_plan import plan_gnn
from metagen.handlers.tasks.registry import register_task

SYNTHETIC_NODE_FEATURES = 16  # tasks/node_classification/data.py SBM_FEATURES
NODE_METRICS = ["loss", "accuracy", "majority_class_accuracy"]


@register_task("node_classification")
class NodeClassificationTaskHandler(TaskHandler):
    name = "node_classification"
    supported_modalities = ("graph",)
    output_type = "label"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        classes = task_num_classes(
            spec, blueprint, 4, "the built-in graph has 4 communities, one class each."
        )
        plan_gnn(spec, blueprint, "node_classification", "none", SYNTHETIC_NODE_FEATURES, classes)
        blueprint.data.update(
            kind="graph", num_features=SYNTHETIC_NODE_FEATURES, num_classes=classes
        )
        blueprint.decisions.append(
            f"Graph data: {SYNTHETIC_NODE_FEATURES} node features, {classes} classes (the "
            "built-in stochastic block model's); a graph folder (nodes.csv, edges.csv) resizes "
            "both. Every step passes messages over the whole graph and scores the batch's "
            "labelled nodes."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "node_logits", "num_outputs": blueprint.fixed_dims.get("num_outputs")}

    def get_loss_function(self, spec) -> str:
        return "node_classification"

    def get_metrics(self, spec) -> list[str]:
        return list(NODE_METRICS)
