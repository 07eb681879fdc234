"""Graph classification: a GNN over each graph's nodes, a readout per graph (sum, mean or
attention) and a linear head; accuracy beside the majority class."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler, task_num_classes
from metagen.handlers.tasks.graph_plan import plan_gnn
from metagen.handlers.tasks.registry import register_task

# Attention pooling reads every node yet lets the model weigh them (Li et al. 2016's gated
# readout); sum and mean are the GIN paper's choices, chosen by task.readout.
GRAPH_READOUT = "attention"
SYNTHETIC_GRAPH_FEATURES = 2  # a constant and the degree (tasks/graph_classification/data.py)
GRAPH_METRICS = ["loss", "accuracy", "majority_class_accuracy"]


@register_task("graph_classification")
class GraphClassificationTaskHandler(TaskHandler):
    name = "graph_classification"
    supported_modalities = ("graph",)
    output_type = "label"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        classes = task_num_classes(
            spec, blueprint, 2, "the built-in graphs have 2 classes (trees and cyclic graphs)."
        )
        plan_gnn(
            spec,
            blueprint,
            "graph_classification",
            spec.task.readout or GRAPH_READOUT,
            SYNTHETIC_GRAPH_FEATURES,
            classes,
        )
        blueprint.data.update(
            kind="graph", num_features=SYNTHETIC_GRAPH_FEATURES, num_classes=classes
        )
        blueprint.decisions.append(
            f"Graph data: {SYNTHETIC_GRAPH_FEATURES} node features (the built-in graphs': a "
            f"constant and the degree), {classes} classes; a JSONL of graphs resizes both. A "
            "batch is a disjoint union of graphs with a batch vector."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "graph_head", "num_outputs": blueprint.fixed_dims.get("num_outputs")}

    def get_loss_function(self, spec) -> str:
        return "graph_classification"

    def get_metrics(self, spec) -> list[str]:
        return list(GRAPH_METRICS)
