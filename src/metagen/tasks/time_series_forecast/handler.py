"""Time-series forecasting: the forecaster is the whole model (a Temporal Fusion Transformer,
a patch transformer, an LSTM/GRU, DLinear or N-BEATS), trained with MSE and scored by MAE,
RMSE, sMAPE and MASE beside the seasonal-naive forecast."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.model import Blueprint, PlanError
from metagen.handlers.tasks.base import TaskHandler
from metagen.handlers.tasks.registry import register_task
from metagen.spec.modality import TimeSeriesParams

# Without task.horizon: a day of hourly steps; without task.lookback: four horizons (the
# 96-in, 24-out setting of the long-horizon benchmarks: ETT, Informer, PatchTST).
DEFAULT_HORIZON = 24
LOOKBACK_PER_HORIZON = 4
# The last fifth of a CSV's rows is held out (the forecasts scored are of those rows).
FORECAST_VAL_FRACTION = 0.2

# architecture.variant -> arch, per family; None is the family's default.
FORECAST_ARCHS: dict[str, dict[str | None, str]] = {
    "transformer": {None: "patchtst", "patchtst": "patchtst", "temporal_fusion": "tft"},
    "rnn": {None: "rnn_forecaster", "lstm": "rnn_forecaster", "gru": "rnn_forecaster"},
    "mlp": {None: "nbeats", "nbeats": "nbeats", "dlinear": "dlinear"},
}
ARCH_NAMES = {
    "tft": "a Temporal Fusion Transformer",
    "patchtst": "a patch transformer (PatchTST)",
    "rnn_forecaster": "a recurrent encoder with an MLP decoder",
    "nbeats": "N-BEATS (generic blocks)",
    "dlinear": "DLinear",
}
FORECAST_COMPONENTS: dict[str, list[tuple[str, str]]] = {
    "tft": [
        ("input_embedding", "a linear embedding per input variable"),
        (
            "variable_selection",
            "variable selection: softmax weights from a GRN over all variables, a GRN per variable",
        ),
        ("future_embedding", "learned embeddings of the horizon's steps, the decoder's inputs"),
        ("encoder", "LSTM over the lookback window"),
        ("decoder", "LSTM over the future steps, started from the encoder's state"),
        ("lstm_gate", "gate-add-norm over the LSTM outputs (skip: their inputs)"),
        (
            "blocks",
            "causal interpretable multi-head attention (shared values) with "
            "gate-add-norm, then a position-wise GRN",
        ),
        ("output_gate", "gate-add-norm over the attention stack (skip: the LSTM features)"),
        ("head", "linear: one value per future step"),
    ],
    "patchtst": [
        (
            "patch_embedding",
            "overlapping patches of the standardized window, projected, with learned positions",
        ),
        ("blocks", "pre-norm transformer blocks across patches"),
        ("final_norm", "LayerNorm"),
        ("head", "flatten head: every patch's features to the horizon"),
    ],
    "rnn_forecaster": [
        ("encoder", "stacked LSTM/GRU over the standardized lookback window"),
        ("head", "MLP from the last hidden state to every step of the horizon"),
    ],
    "nbeats": [
        (
            "blocks",
            "N-BEATS blocks: a ReLU MLP with a backcast and a forecast head; "
            "each block reads what the previous ones left unexplained",
        )
    ],
    "dlinear": [
        ("trend", "linear map of the moving-average trend to the horizon"),
        ("seasonal", "linear map of the remainder to the horizon"),
    ],
}
FORECAST_METRICS = [
    "loss",
    "mae",
    "rmse",
    "smape",
    "mase",
    "naive_loss",
    "naive_mae",
    "naive_rmse",
    "naive_smape",
    "naive_mase",
]


def forecast_arch(family: str, variant: str | None) -> str:
    if family not in FORECAST_ARCHS:
        raise PlanError(
            f"architecture.family '{family}' cannot forecast time series; time_series_forecast "
            f"builds {', '.join(FORECAST_ARCHS)}."
        )
    variants = FORECAST_ARCHS[family]
    if variant not in variants:
        known = ", ".join(v for v in variants if v is not None)
        raise PlanError(
            f"architecture.variant '{variant}' is not a {family} forecaster; known: {known}. "
            "Remove the variant for the family's default."
        )
    return variants[variant]


def forecast_window(spec, blueprint: Blueprint) -> tuple[int, int]:
    """(lookback, horizon): the spec's, or the defaults, said in the plan's decisions."""
    horizon, lookback = spec.task.horizon, spec.task.lookback
    if horizon is None:
        horizon = DEFAULT_HORIZON
        blueprint.decisions.append(f"No task.horizon; forecasting {horizon} steps ahead.")
    if lookback is None:
        lookback = LOOKBACK_PER_HORIZON * horizon
        blueprint.decisions.append(
            f"No task.lookback; the model reads {lookback} steps ({LOOKBACK_PER_HORIZON} x the "
            "horizon)."
        )
    return lookback, horizon


def arch_dims(arch: str, lookback: int, variant: str | None) -> dict[str, Any]:
    """The dims the forecaster's shape grid does not choose."""
    if arch == "patchtst":  # the paper's 16-step patches at stride 8, shorter for short windows
        patch_len = min(16, lookback)
        return {"patch_len": patch_len, "stride": max(1, patch_len // 2)}
    if arch == "rnn_forecaster":
        return {"cell": variant or "lstm"}
    if arch == "dlinear":  # DLinear's 25-step moving average, odd and within the window
        return {"kernel_size": min(25, lookback - (lookback + 1) % 2)}
    return {}


@register_task("time_series_forecast")
class TimeSeriesForecastTaskHandler(TaskHandler):
    name = "time_series_forecast"
    supported_modalities = ("time_series",)
    output_type = "time_series"
    builds_architecture = True

    def augment_blueprint(self, spec, blueprint: Blueprint) -> Blueprint:
        variant = blueprint.variant
        arch = forecast_arch(blueprint.family, variant)
        if variant is not None:
            # The variant names an architecture, not a published size: nothing to look up in
            # the catalog, and the solver sizes it to the budget.
            blueprint.decisions.append(
                f"architecture.variant '{variant}' selects {ARCH_NAMES[arch]}, sized to the "
                "budget by the solver (it has no published size)."
            )
            blueprint.variant = None
        series = spec.modality.time_series or TimeSeriesParams()
        lookback, horizon = forecast_window(spec, blueprint)
        if series.season_length is not None and series.season_length >= lookback:
            raise PlanError(
                f"modality.time_series.season_length ({series.season_length}) must be below "
                f"task.lookback ({lookback}): the seasonal-naive baseline repeats the last "
                "season of the window. Raise the lookback or lower the season length."
            )
        blueprint.arch = arch
        blueprint.task = "time_series_forecast"
        blueprint.fixed_dims.update(
            lookback=lookback,
            horizon=horizon,
            channels=series.channels,
            **arch_dims(arch, lookback, variant),
        )
        if arch != "dlinear":
            blueprint.fixed_dims["dropout"] = 0.0
        blueprint.data.update(
            kind="forecast",
            lookback=lookback,
            horizon=horizon,
            channels=series.channels,
            target_column=series.target,
            season_length=series.season_length,
            val_fraction=FORECAST_VAL_FRACTION,
        )
        blueprint.components = list(FORECAST_COMPONENTS[arch])
        blueprint.decisions.append(
            "Every window is standardized by its own mean and std before the model and the "
            "forecast mapped back (RevIN without its affine part), so the loss and metrics are "
            "in the data's units. The target is the last channel (modality.time_series.target, "
            f"else the last CSV value column); a CSV's last {FORECAST_VAL_FRACTION:.0%} of rows "
            "is held out."
        )
        blueprint.loss = self.get_loss_function(spec)
        blueprint.metrics = self.get_metrics(spec)
        return blueprint

    def get_head_architecture(self, spec, blueprint: Blueprint) -> dict[str, Any]:
        return {"type": "forecast_head", "horizon": blueprint.fixed_dims["horizon"]}

    def get_loss_function(self, spec) -> str:
        return "time_series_forecast"

    def get_metrics(self, spec) -> list[str]:
        return list(FORECAST_METRICS)
