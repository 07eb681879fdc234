"""docs/model_card.md and docs/limitations.md, from the plan and, after training, metrics.json.

Every figure here is either an exact count from the plan or a value a run wrote into
metrics.json. What no run measured is written as "not measured".
"""

from __future__ import annotations

from typing import Any

from metagen.codegen.templates import render
from metagen.evaluate.baselines import compare_with_baseline
from metagen.tasks.registry import tasks


def _curve_rows(training: dict[str, Any], most: int = 12) -> list[tuple[int, float]]:
    """At most `most` evenly spaced points of the loss curve, always with the last."""
    curve = training.get("loss_curve") or []
    if len(curve) <= most:
        return [(int(p[0]), float(p[1])) for p in curve]
    step = len(curve) / most
    picked = [curve[int(i * step)] for i in range(most - 1)] + [curve[-1]]
    return [(int(p[0]), float(p[1])) for p in picked]


def render_docs(
    plan: dict[str, Any],
    description: str,
    training: dict[str, Any] | None,
    plots: list[str] | None = None,
    report: str | None = None,
) -> dict[str, str]:
    """The docs' text. `plots` names the PNGs in the run's plots folder (linked, the loss
    curve embedded) and `report` its HTML report, both relative to docs/."""
    held_out = (training or {}).get("eval")
    comparison = None
    if held_out and plan.get("task") in tasks():
        comparison = compare_with_baseline(held_out, *tasks()[plan["task"]].headline)
    context = {
        "plan": plan,
        "description": description,
        "training": training,
        "curve": _curve_rows(training) if training else [],
        "comparison": comparison,
        "plots": plots or [],
        "plots_dir": f"../train/{training['scale']}/plots" if training else None,
        "report": report,
    }
    return {
        "model_card.md": render("model_card.md.j2", **context),
        "limitations.md": render("limitations.md.j2", **context),
    }
