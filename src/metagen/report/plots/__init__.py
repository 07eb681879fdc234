"""PNG plots of a trained run, drawn with matplotlib (MetaGen's `plots` extra) from the run's
own files: its metrics.json for the curves, its predictions/ for the task's plots.

Each drawer is report/plots/<kind>.py's `draw(predictions, out_dir) -> list[Path]`, where
`kind` is what the task's collector names. Beside each PNG a drawer writes the numbers it
plotted as <name>.json, so a test or the report reads the same values the picture shows."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

PLOTS_DIR = "plots"


def drawer(kind: str):
    """report/plots/<kind>.py's draw function."""
    return importlib.import_module(f"{__name__}.{kind}").draw


def draw_plots(
    metrics: dict[str, Any], predictions: dict[str, Any] | None, out_dir: Path
) -> list[Path]:
    """Every plot of one run into `out_dir`: its curves, then its task's predictions."""
    from metagen.report.plots.curves import draw_curves

    out_dir.mkdir(parents=True, exist_ok=True)
    drawn = draw_curves(metrics, out_dir)
    if predictions is not None:
        drawn += drawer(predictions["kind"])(predictions, out_dir)
    return drawn
