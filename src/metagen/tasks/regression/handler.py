"""Regression: numbers predicted from tabular rows (mlp), texts (transformer) or time series
(cnn). MSE on standardized targets, or Huber (`loss_variant: huber` in config.json); MAE, RMSE
and R^2 in target units, beside the same for the training mean. A spec with a fusion section
is a robot policy's continuous actions from a camera and sensors
(handlers/tasks/fusion_plan.py)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.fusion_plan import plan_fusion_regressor
from metagen.handlers.tasks.registry import register_task
from metagen.handlers.tasks.task_encoders import ENCODER_INPUTS, plan_task_encoder

REGRESSION_FAMILIES = ("mlp", "transformer", "cnn")
REGRESSION_METRICS = [
    "loss",
    "mae",
    "rmse",
    "r2",
    "mean_predictor_mae",
    "mean_predictor_rmse",
    "mean_predictor_r2",
]


@register_task("regression")
class RegressionTaskHandler(TaskHandler):
    name = "regression"
    supported_modalities = ENCODER_INPUTS
    output_type = "regression"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        if spec.fusion is not None:
            return plan_fusion_regressor(spec, blueprint)
        head = ("head", "Regression head: linear to one value (standardized target units)")
        plan_task_encoder(spec, blueprint, "regression", REGRESSION_FAMILIES, head, 1)
        blueprint.decisions.append(
            "Targets are standardized with the training split's mean and spread; the loss is "
            "their MSE (loss_variant huber in config.json trains with the Huber loss, delta one "
            "spread). Errors are reported in target units beside the training mean's."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "regression_head", "num_outputs": blueprint.fixed_dims["num_outputs"]}

    def get_loss_function(self, spec) -> str:
        return "fusion_regression" if spec.fusion is not None else "regression"

    def get_metrics(self, spec) -> list[str]:
        return list(REGRESSION_METRICS)
