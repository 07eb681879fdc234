"""Forecast metrics against independent references: MAE, RMSE and sMAPE against torchmetrics
and scikit-learn, MASE and the seasonal-naive baseline against a direct numpy computation of
their definitions, on fixed fixtures."""

import numpy as np
import pytest
import torch
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from torchmetrics.functional import (
    mean_absolute_error as tm_mae,
)
from torchmetrics.functional import (
    mean_squared_error as tm_mse,
)
from torchmetrics.functional import (
    symmetric_mean_absolute_percentage_error as tm_smape,
)

from metagen.tasks.time_series_forecast.data import forecast_sample, mase_scale, seasonal_naive
from metagen.tasks.time_series_forecast.evaluate import (
    evaluate_forecaster,
    forecast_mae,
    forecast_mase,
    forecast_rmse,
    forecast_smape,
)


def fixture(seed: int, zeros: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(forecast, target), each (7, 5); with `zeros`, some pairs are 0 and 0 (sMAPE's 0/0)."""
    rng = np.random.default_rng(seed)
    target = rng.normal(3.0, 2.0, size=(7, 5))
    forecast = target + rng.normal(0.0, 1.0, size=(7, 5))
    if zeros:
        target[0, :2] = forecast[0, :2] = 0.0
        target[1, 3] = 0.0
    return torch.tensor(forecast, dtype=torch.float32), torch.tensor(target, dtype=torch.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("zeros", [False, True])
def test_mae_rmse_smape_match_torchmetrics_and_sklearn(seed, zeros) -> None:
    forecast, target = fixture(seed, zeros)
    assert forecast_mae(forecast, target) == pytest.approx(
        float(tm_mae(forecast, target)), abs=1e-6
    )
    assert forecast_mae(forecast, target) == pytest.approx(
        mean_absolute_error(target.numpy().ravel(), forecast.numpy().ravel()), abs=1e-6
    )
    rmse = float(tm_mse(forecast, target, squared=False))
    assert forecast_rmse(forecast, target) == pytest.approx(rmse, abs=1e-6)
    assert forecast_rmse(forecast, target) == pytest.approx(
        root_mean_squared_error(target.numpy().ravel(), forecast.numpy().ravel()), abs=1e-6
    )
    smape = float(tm_smape(forecast.double(), target.double()))
    assert forecast_smape(forecast, target) == pytest.approx(smape, abs=1e-6)


def numpy_mase(forecast: np.ndarray, target: np.ndarray, history: np.ndarray, m: int) -> float:
    """Hyndman & Koehler's MASE, one series per row: the forecast's MAE over the in-sample MAE
    of the seasonal-naive forecast, y_t - y_{t-m}, over that row's history; then the mean."""
    ratios = []
    for f, y, h in zip(forecast, target, history, strict=True):
        in_sample = np.mean([abs(h[t] - h[t - m]) for t in range(m, len(h))])
        ratios.append(np.mean(np.abs(f - y)) / in_sample)
    return float(np.mean(ratios))


@pytest.mark.parametrize("season", [1, 3, 7])
def test_mase_matches_its_definition(season) -> None:
    rng = np.random.default_rng(season)
    history = rng.normal(10.0, 3.0, size=(6, 20))
    target = rng.normal(10.0, 3.0, size=(6, 4))
    forecast = target + rng.normal(0.0, 0.5, size=(6, 4))
    scale = torch.tensor([mase_scale(h, season) for h in history])
    ours = forecast_mase(torch.tensor(forecast), torch.tensor(target), scale)
    assert ours == pytest.approx(numpy_mase(forecast, target, history, season), abs=1e-6)


def test_seasonal_naive_repeats_the_last_season() -> None:
    past = np.arange(10.0)  # 0..9
    assert seasonal_naive(past, 7, 3).tolist() == [7, 8, 9, 7, 8, 9, 7]
    assert seasonal_naive(past, 2, 1).tolist() == [9, 9]
    # y_{L+h} = y_{L+h-m*ceil((h+1)/m)} for h = 0..H-1, written out
    m, horizon = 4, 9
    expected = [past[10 + h - m * ((h // m) + 1)] for h in range(horizon)]
    assert seasonal_naive(past, horizon, m).tolist() == expected


def test_forecast_sample_puts_the_target_last_and_its_baselines_beside_it() -> None:
    window = np.stack([np.arange(12.0), 100 + np.arange(12.0) ** 2], axis=1)  # (12, 2)
    sample = forecast_sample(window, lookback=8, season=2)
    assert sample["past"].shape == (8, 2)
    assert sample["targets"].tolist() == (100 + np.arange(8, 12.0) ** 2).tolist()
    target_past = window[:8, 1]
    assert sample["naive_forecast"].tolist() == [target_past[6], target_past[7]] * 2
    expected_scale = np.mean(np.abs(target_past[2:] - target_past[:-2]))
    assert float(sample["mase_scale"]) == pytest.approx(expected_scale, rel=1e-6)


class Constant(torch.nn.Module):
    """Forecasts the last value of the target: a fixed, known model."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = torch.nn.Parameter(torch.zeros(1))

    def forward(self, past: torch.Tensor) -> torch.Tensor:
        return past[:, -1:, -1].expand(-1, 3)


def test_evaluator_reports_model_and_seasonal_naive_metrics() -> None:
    rng = np.random.default_rng(0)
    windows = [rng.normal(5.0, 1.0, size=(11, 1)) for _ in range(10)]
    samples = [forecast_sample(w, lookback=8, season=2) for w in windows]
    batches = [
        torch.utils.data.default_collate(samples[:6]),
        torch.utils.data.default_collate(samples[6:]),
    ]
    results = evaluate_forecaster(Constant(), batches, "cpu")
    forecast = np.array([w[7, 0] for w in windows])[:, None].repeat(3, axis=1)
    target = np.array([w[8:, 0] for w in windows])
    naive = np.array([seasonal_naive(w[:8, 0], 3, 2) for w in windows])
    history = np.array([w[:8, 0] for w in windows])
    assert results["mae"] == pytest.approx(np.abs(forecast - target).mean(), abs=1e-6)
    assert results["loss"] == pytest.approx(np.square(forecast - target).mean(), abs=1e-6)
    assert results["mase"] == pytest.approx(numpy_mase(forecast, target, history, 2), abs=1e-6)
    assert results["naive_mase"] == pytest.approx(numpy_mase(naive, target, history, 2), abs=1e-6)
    assert results["naive_rmse"] == pytest.approx(
        np.sqrt(np.square(naive - target).mean()), abs=1e-6
    )
    assert results["num_samples"] == 10
