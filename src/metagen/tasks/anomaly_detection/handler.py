"""Anomaly detection: an autoencoder or VAE reconstructs windows of a series (or table rows);
the reconstruction error scores each step, and a threshold calibrated on held-out data flags
anomalies. Scored by ROC-AUC, average precision and F1 beside a random score."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.modalities.base import spec_family
from metagen.handlers.planned import not_built
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.spec.modality import TimeSeriesParams

DEFAULT_WINDOW = 64  # steps per window without task.lookback
DEFAULT_FEATURES = 16  # features per row without modality.tabular.num_features
# The latent holds an eighth of a window's values, a quarter of a row's: narrow enough that
# the model cannot copy what it has not learned to expect.
WINDOW_LATENT_FRACTION = 8
ROW_LATENT_FRACTION = 4
# Held-out rows the smoke evaluation scores (20 batches of 64): a table's rows are samples.
SMOKE_HELD_OUT_ROWS = 1280

AUTOENCODER_VARIANTS = {None: False, "autoencoder": False, "vae": True}
ANOMALY_METRICS = [
    "loss",
    "threshold",
    "roc_auc",
    "average_precision",
    "f1",
    "precision",
    "recall",
    "random_roc_auc",
    "random_average_precision",
    "all_anomalous_f1",
    "anomaly_rate",
]


def anomaly_input(spec, blueprint: Blueprint) -> tuple[str, int, int]:
    """(data kind, window, channels): a window of a series, or one table row."""
    inputs = spec.modality.inputs
    if len(inputs) != 1:
        raise PlanError(
            f"anomaly_detection reads one input, time_series or tabular, not {', '.join(inputs)}."
        )
    if inputs[0] == "tabular":
        if spec.task.lookback is not None:
            raise PlanError(
                f"task.lookback ({spec.task.lookback}) has no meaning for anomaly detection on "
                "table rows: each row is scored on its own. Remove it, or use time_series input."
            )
        params = spec.modality.tabular
        features = params.num_features if params and params.num_features else None
        if features is None:
            features = DEFAULT_FEATURES
            blueprint.decisions.append(
                f"No modality.tabular.num_features; the model reads {features} features per row."
            )
        return "tabular", 1, features
    window = spec.task.lookback
    if window is None:
        window = DEFAULT_WINDOW
        blueprint.decisions.append(
            f"No task.lookback; the model reconstructs windows of {window} steps."
        )
    series = spec.modality.time_series or TimeSeriesParams()
    return "series_window", window, series.channels


@register_task("anomaly_detection")
class AnomalyDetectionTaskHandler(TaskHandler):
    name = "anomaly_detection"
    supported_modalities = ("time_series", "tabular")
    output_type = "label"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        family, variant = spec_family(spec, default="autoencoder"), blueprint.variant
        blueprint.family = family
        if family == "transformer":
            raise not_built(
                "a transformer reconstructor for anomaly detection (the "
                "autoencoder family is built)",
                "architecture.family",
                family,
            )
        if family != "autoencoder":
            raise PlanError(
                f"architecture.family '{family}' does not detect anomalies here; "
                "anomaly_detection builds the autoencoder family (variant vae for a VAE)."
            )
        if variant not in AUTOENCODER_VARIANTS:
            raise PlanError(
                f"architecture.variant '{variant}' is not an autoencoder variant; known: "
                "autoencoder, vae. Remove it for a plain autoencoder."
            )
        variational = AUTOENCODER_VARIANTS[variant]
        blueprint.variant = None  # a kind of model, not a published size
        kind, window, channels = anomaly_input(spec, blueprint)
        fraction = ROW_LATENT_FRACTION if kind == "tabular" else WINDOW_LATENT_FRACTION
        latent = max(2, window * channels // fraction)
        blueprint.arch = "anomaly_autoencoder"
        blueprint.task = "anomaly_detection"
        blueprint.fixed_dims.update(
            window=window,
            channels=channels,
            latent_dim=latent,
            variational=variational,
            dropout=0.0,
        )
        blueprint.data.update(kind=kind, window=window, channels=channels, val_fraction=0.2)
        if kind == "tabular":
            blueprint.data["num_features"] = channels
            blueprint.smoke_data["num_val"] = SMOKE_HELD_OUT_ROWS
        else:
            series = spec.modality.time_series or TimeSeriesParams()
            blueprint.data["season_length"] = series.season_length
        what = "VAE" if variational else "autoencoder"
        unit = "row" if kind == "tabular" else f"window of {window} steps"
        blueprint.components = [
            (
                "encoder",
                f"MLP from a {unit} ({window * channels} values) to the "
                f"{latent}-value latent"
                + (" (posterior mean and log-variance)" if variational else ""),
            ),
            ("decoder", f"MLP from the latent back to the {unit}"),
        ]
        blueprint.decisions.append(
            f"An MLP {what} with a {latent}-value bottleneck ({window * channels} values in): "
            "each step's score is its squared reconstruction error. The threshold is the one "
            "with the best F1 on the first half of the held-out windows; ROC-AUC, average "
            "precision and F1 are measured on the second half. Values are standardized with "
            "the training data's mean and std; training data holds no labelled anomaly."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {
            "type": "reconstruction_head",
            "window": blueprint.fixed_dims["window"],
            "channels": blueprint.fixed_dims["channels"],
        }

    def get_loss_function(self, spec) -> str:
        return "anomaly_detection"

    def get_metrics(self, spec) -> list[str]:
        return list(ANOMALY_METRICS)
