"""Recommendation: a two-tower model (user and item ID towers, dot-product scores) trained
with in-batch negatives on user-item interactions; Recall@10 and NDCG@10 of each user's top
10 unseen items beside recommending the most popular ones."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task

# The built-in full-scale interactions' users and items (defaults.py); user data resizes them.
SYNTHETIC_USERS, SYNTHETIC_ITEMS = 5_000, 2_000
RECOMMENDATION_METRICS = [
    "loss",
    "recall_at_10",
    "ndcg_at_10",
    "popularity_recall_at_10",
    "popularity_ndcg_at_10",
]


@register_task("recommendation")
class RecommendationTaskHandler(TaskHandler):
    name = "recommendation"
    supported_modalities = ("tabular",)  # a table of user-item interactions
    output_type = "embedding"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        family = spec_family(spec, default="two_tower")
        if family == "transformer":
            raise not_built(
                "a sequential (transformer) recommender; recommendation is built with family "
                "two_tower",
                "architecture.family",
                family,
            )
        if family != "two_tower":
            raise PlanError(
                f"architecture.family '{family}' does not recommend here; recommendation builds "
                "family two_tower. Set architecture.family: two_tower, or leave it out."
            )
        if blueprint.variant is not None:
            raise PlanError(
                f"architecture.variant '{blueprint.variant}' is not a two_tower variant; "
                "two_tower has none. Remove it."
            )
        blueprint.family, blueprint.arch, blueprint.task = (
            "two_tower",
            "two_tower",
            "recommendation",
        )
        blueprint.fixed_dims.update(num_users=SYNTHETIC_USERS, num_items=SYNTHETIC_ITEMS)
        blueprint.data.update(kind="interactions")
        blueprint.components = [
            ("user_tower", "User tower: an ID embedding and residual ReLU layers"),
            ("item_tower", "Item tower: an ID embedding and residual ReLU layers"),
        ]
        blueprint.decisions.append(
            f"Interactions: {SYNTHETIC_USERS} users and {SYNTHETIC_ITEMS} items (the built-in "
            "latent-factor data); a CSV of user, item (and rating) resizes both tables. A score "
            "is the dot product of the towers' vectors; each batch's other items are its "
            "negatives. A fifth of each user's items is held out."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "dot_product"}

    def get_loss_function(self, spec) -> str:
        return "recommendation"

    def get_metrics(self, spec) -> list[str]:
        return list(RECOMMENDATION_METRICS)
