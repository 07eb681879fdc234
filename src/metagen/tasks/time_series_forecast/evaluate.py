"""Forecast metrics (MAE, RMSE, sMAPE, MASE) on held-out windows, for the model and for the
seasonal-naive forecast of the same windows beside it."""

import torch

from metagen.data.batch import model_inputs, move_batch

# torchmetrics' guard against 0/0 in sMAPE (and ours for a window with a constant history).
SMAPE_EPS = 1.17e-06


def forecast_mae(forecast: torch.Tensor, target: torch.Tensor) -> float:
    return float((forecast.double() - target.double()).abs().mean())


def forecast_rmse(forecast: torch.Tensor, target: torch.Tensor) -> float:
    return float((forecast.double() - target.double()).square().mean().sqrt())


def forecast_smape(forecast: torch.Tensor, target: torch.Tensor) -> float:
    """Mean of 2|F - A| / (|A| + |F|), as a fraction in [0, 2] (torchmetrics' definition)."""
    forecast, target = forecast.double(), target.double()
    ratio = 2 * (forecast - target).abs() / (target.abs() + forecast.abs()).clamp(min=SMAPE_EPS)
    return float(ratio.mean())


def forecast_mase(forecast: torch.Tensor, target: torch.Tensor, scale: torch.Tensor) -> float:
    """Mean over windows of MAE / scale, where a window's scale is the in-sample MAE of the
    seasonal-naive forecast over its lookback (M4's MASE, each window a series).
    forecast, target (N, H); scale (N,)."""
    errors = (forecast.double() - target.double()).abs().mean(dim=1)  # (N,)
    return float((errors / scale.double().clamp(min=SMAPE_EPS)).mean())


def forecast_metrics(
    forecast: torch.Tensor, target: torch.Tensor, scale: torch.Tensor, prefix: str = ""
) -> dict:
    return {
        f"{prefix}mae": forecast_mae(forecast, target),
        f"{prefix}rmse": forecast_rmse(forecast, target),
        f"{prefix}smape": forecast_smape(forecast, target),
        f"{prefix}mase": forecast_mase(forecast, target, scale),
    }


def evaluate_forecaster(model, batches, device) -> dict:
    """`loss` is the MSE training loss; `naive_*` are the seasonal-naive forecast's metrics."""
    forecasts, targets, naive, scales = [], [], [], []
    for batch in batches:
        batch = move_batch(batch, device)
        forecasts.append(model(**model_inputs(batch)).float().cpu())  # (B, H)
        targets.append(batch["targets"].float().cpu())
        naive.append(batch["naive_forecast"].float().cpu())
        scales.append(batch["mase_scale"].float().cpu())
    if not forecasts:
        raise ValueError("cannot evaluate on an empty dataset")
    forecast, target = torch.cat(forecasts), torch.cat(targets)
    naive_forecast, scale = torch.cat(naive), torch.cat(scales)
    results = {"loss": float((forecast.double() - target.double()).square().mean())}
    results.update(forecast_metrics(forecast, target, scale))
    results["naive_loss"] = float((naive_forecast.double() - target.double()).square().mean())
    results.update(forecast_metrics(naive_forecast, target, scale, prefix="naive_"))
    results["num_samples"] = target.size(0)
    return results
