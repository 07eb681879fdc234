"""A forecaster's held-out forecasts: a few windows, each its history, the truth over the
horizon, the model's forecast and the seasonal-naive one (the metrics' baseline), dated where
the data has dates; and the mean absolute error at each horizon step over every collected
window, for the model and the seasonal-naive forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.style import figure, panels, save


def draw(predictions: dict[str, Any], out_dir: Path) -> list[Path]:
    return [_windows(predictions, out_dir), _error_by_step(predictions, out_dir)]


def _windows(predictions: dict[str, Any], out_dir: Path) -> Path:
    chosen = np.asarray(predictions["window_index"]).astype(int)
    columns = min(2, len(chosen))
    rows = -(-len(chosen) // columns)
    fig, axes = panels(rows, columns, 6.4 * columns, 3.6 * rows)
    windows = []
    for index, ax in enumerate(axes):
        if index < len(chosen):
            windows.append(_window(ax, predictions, index, int(chosen[index])))
        else:
            ax.axis("off")
    axes[0].legend(fontsize=8)
    fig.suptitle("Held-out forecasts")
    values = {"time_axis": predictions["time_axis"], "windows": windows}
    return save(fig, out_dir, "forecasts", values)


def _window(ax, predictions: dict[str, Any], index: int, window: int) -> dict[str, Any]:
    """The `index`-th shown window (held-out window `window`) drawn on `ax`; its numbers."""
    history = np.asarray(predictions["history"][index], dtype=float)  # (L,)
    truth = np.asarray(predictions["truth"][window], dtype=float)  # (H,)
    forecast = np.asarray(predictions["forecast"][window], dtype=float)
    naive = np.asarray(predictions["naive"][window], dtype=float)
    dated = "times" in predictions
    if dated:
        times = np.array(predictions["times"][index], dtype="datetime64")
        past, future = times[: len(history)], times[len(history) :]
    else:  # steps from the forecast's start: the history is negative
        past, future = np.arange(-len(history), 0), np.arange(len(truth))
    ax.plot(past, history, color="tab:blue", label="history")
    ax.plot(future, truth, color="black", label="truth")
    ax.plot(future, forecast, color="tab:orange", label="forecast")
    ax.plot(future, naive, color="grey", linestyle=":", label="seasonal naive")
    mae = float(np.mean(np.abs(forecast - truth)))
    naive_mae = float(np.mean(np.abs(naive - truth)))
    ax.set_title(f"window {window}: MAE {mae:.3g} (seasonal naive {naive_mae:.3g})", fontsize=9)
    ax.set(xlabel=predictions["time_axis"], ylabel=predictions["target_column"])
    ax.grid(alpha=0.3)
    if dated:
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    return {
        "window": window,
        "x": [str(t) for t in np.r_[past, future]] if dated else np.r_[past, future].tolist(),
        "history": history.tolist(),
        "truth": truth.tolist(),
        "forecast": forecast.tolist(),
        "naive": naive.tolist(),
        "mae": mae,
        "naive_mae": naive_mae,
    }


def _error_by_step(predictions: dict[str, Any], out_dir: Path) -> Path:
    truth = np.asarray(predictions["truth"], dtype=float)  # (N, H)
    forecast = np.asarray(predictions["forecast"], dtype=float)
    naive = np.asarray(predictions["naive"], dtype=float)
    steps = np.arange(1, truth.shape[1] + 1)
    model_mae = np.abs(forecast - truth).mean(0)
    naive_mae = np.abs(naive - truth).mean(0)
    fig, ax = figure()
    ax.plot(steps, model_mae, "o-", color="tab:orange", markersize=3, label="forecast")
    ax.plot(steps, naive_mae, "o:", color="grey", markersize=3, label="seasonal naive")
    ax.set(xlabel="steps ahead", ylabel="mean absolute error",
           title=f"Error by horizon step over {len(truth)} held-out windows")  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    values = {
        "steps_ahead": steps.tolist(),
        "forecast_mae": model_mae.tolist(),
        "naive_mae": naive_mae.tolist(),
        "windows": len(truth),
    }
    return save(fig, out_dir, "forecast_error_by_step", values)
