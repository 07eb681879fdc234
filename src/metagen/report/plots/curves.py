"""The curves every run has: training and validation loss, the headline metric against its
trivial baseline at each evaluation, and the learning rate, all against the step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from metagen.report.plots.style import figure, save
from metagen.tasks.registry import runtime_task


def smoothed(values: np.ndarray, window: int) -> np.ndarray:
    """The running mean over `window` points (shorter at the start)."""
    sums = np.cumsum(np.insert(values, 0, 0.0))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def draw_curves(metrics: dict[str, Any], out_dir: Path) -> list[Path]:
    curve = metrics.get("loss_curve") or []
    evals = [e for e in metrics.get("evals") or [] if isinstance(e.get("loss"), float | int)]
    drawn = []
    if curve:
        drawn.append(_loss(curve, evals, out_dir))
    if any(len(point) > 2 for point in curve):
        drawn.append(_learning_rate(curve, out_dir))
    headline = runtime_task(metrics["task"]).headline
    if any(isinstance(e.get(headline[0]), float | int) for e in metrics.get("evals") or []):
        drawn.append(_headline(metrics["evals"], headline, out_dir))
    return drawn


def _loss(curve: list, evals: list, out_dir: Path) -> Path:
    steps = np.array([point[0] for point in curve], dtype=float)
    losses = np.array([point[1] for point in curve], dtype=float)
    window = max(1, len(losses) // 50)
    fig, ax = figure()
    ax.plot(steps, losses, color="tab:blue", alpha=0.25, linewidth=0.8)
    ax.plot(steps, smoothed(losses, window), color="tab:blue", label=f"training (mean of {window})")
    values: dict[str, Any] = {"train": {"steps": steps.tolist(), "loss": losses.tolist()}}
    if evals:
        eval_steps = [e["step"] for e in evals]
        eval_losses = [e["loss"] for e in evals]
        ax.plot(eval_steps, eval_losses, "o-", color="tab:orange", label="validation")
        values["validation"] = {"steps": eval_steps, "loss": eval_losses}
    ax.set(xlabel="step", ylabel="loss", title="Loss")
    if losses.min() > 0 and losses.max() / losses.min() > 30:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out_dir, "loss", values)


def _learning_rate(curve: list, out_dir: Path) -> Path:
    points = [point for point in curve if len(point) > 2]
    steps, rates = [p[0] for p in points], [p[2] for p in points]
    fig, ax = figure(6.4, 3.0)
    ax.plot(steps, rates, color="tab:green")
    ax.set(xlabel="step", ylabel="learning rate", title="Learning rate")
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    ax.grid(alpha=0.3)
    return save(fig, out_dir, "learning_rate", {"steps": steps, "lr": rates})


def _headline(evals: list, headline: tuple[str, str, bool], out_dir: Path) -> Path:
    metric, baseline, higher_is_better = headline
    kept = [e for e in evals if isinstance(e.get(metric), float | int)]
    steps, values = [e["step"] for e in kept], [e[metric] for e in kept]
    fig, ax = figure()
    ax.plot(steps, values, "o-", color="tab:purple", label=metric)
    plotted: dict[str, Any] = {"metric": metric, "steps": steps, "values": values}
    last = kept[-1].get(baseline)
    if isinstance(last, float | int):
        ax.axhline(last, color="grey", linestyle="--", label=f"{baseline} (last evaluation)")
        plotted["baseline"] = {"metric": baseline, "value": last}
    better = "higher" if higher_is_better else "lower"
    ax.set(xlabel="step", ylabel=metric, title=f"Held-out {metric} ({better} is better)")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out_dir, "headline", plotted)
