"""`metagen compare`: runs of one task side by side, a table of what each measured and their
curves overlaid, read from each run's files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from metagen.report.html_report import number_text, scalar_metrics
from metagen.report.run_record import RunError, RunRecord
from metagen.tasks.registry import runtime_task


def check_same_task(records: list[RunRecord]) -> str:
    tasks = {record.metrics["task"] for record in records}
    if len(tasks) != 1:
        named = ", ".join(f"{r.run_dir} ({r.metrics['task']})" for r in records)
        raise RunError(f"compare takes runs of one task; these are of {len(tasks)}: {named}.")
    return tasks.pop()


def label(record: RunRecord) -> str:
    return f"{record.run_dir.name} ({record.scale})"


def comparison_table(records: list[RunRecord]) -> tuple[list[str], list[list[str]]]:
    """(header, rows): a column per run; a row per figure, then per held-out metric that
    every run measured."""
    shared: list[str] | None = None
    for record in records:
        names = [name for name, _ in scalar_metrics(record.metrics["eval"])]
        shared = names if shared is None else [n for n in shared if n in names]
    header = ["", *(label(record) for record in records)]
    rows = [["arch", *(str(r.plan["arch"]) for r in records)]]
    for key, title in (("params_total", "parameters"), ("steps", "steps"),
                       ("wall_seconds", "wall seconds")):  # fmt: skip
        rows.append([title, *(number_text(r.metrics[key]) for r in records)])
    for name in shared or []:
        rows.append([f"held-out {name}", *(number_text(r.metrics["eval"][name]) for r in records)])
    return header, rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def draw_overlays(records: list[RunRecord], out_dir: Path) -> list[Path]:
    """loss.png (training, smoothed, and validation per run) and headline.png."""
    import numpy as np

    from metagen.report.plots.curves import smoothed
    from metagen.report.plots.style import class_colour, figure, save

    fig, ax = figure(7.5, 4.5)
    values: dict[str, Any] = {}
    for index, record in enumerate(records):
        curve = record.metrics.get("loss_curve") or []
        colour = class_colour(index)
        if curve:
            steps = np.array([p[0] for p in curve], float)
            losses = np.array([p[1] for p in curve], float)
            ax.plot(steps, smoothed(losses, max(1, len(losses) // 50)), color=colour,
                    label=f"{label(record)} training")  # fmt: skip
        evals = [
            e for e in record.metrics.get("evals") or [] if isinstance(e.get("loss"), float | int)
        ]
        if evals:
            ax.plot([e["step"] for e in evals], [e["loss"] for e in evals], "o--", color=colour,
                    label=f"{label(record)} validation")  # fmt: skip
        values[label(record)] = {
            "train": curve,
            "validation": [[e["step"], e["loss"]] for e in evals],
        }
    ax.set(xlabel="step", ylabel="loss", title="Loss (training: running mean)")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    drawn = [save(fig, out_dir, "loss", values)]
    metric = runtime_task(records[0].metrics["task"]).headline[0]
    fig, ax = figure(7.5, 4.5)
    plotted: dict[str, Any] = {"metric": metric}
    for index, record in enumerate(records):
        kept = [
            e for e in record.metrics.get("evals") or [] if isinstance(e.get(metric), float | int)
        ]
        ax.plot([e["step"] for e in kept], [e[metric] for e in kept], "o-",
                color=class_colour(index), label=label(record))  # fmt: skip
        plotted[label(record)] = [[e["step"], e[metric]] for e in kept]
    ax.set(xlabel="step", ylabel=metric, title=f"Held-out {metric}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    drawn.append(save(fig, out_dir, "headline", plotted))
    return drawn
