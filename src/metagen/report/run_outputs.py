"""What `metagen train` writes after train.py has measured a run: the held-out predictions,
the plots drawn from them and from metrics.json, and the HTML report. Training has succeeded
by then, so a failure here is a warning that says what is missing, never a lost run."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from metagen.report.diagram import DIAGRAM_FILE, write_diagram
from metagen.report.predictions import PREDICTIONS_DIR, collect_predictions, save_predictions

T = TypeVar("T")
PLOTS_EXTRA = "pip install 'metagen[plots]' (matplotlib)"


def has_matplotlib() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def write_run_outputs(run_dir: Path, scale: str, warn: Callable[[str], None]) -> dict[str, Path]:
    """Predictions, plots and report of `run_dir`'s `scale` run; the paths written, by name.
    Each step that fails is a warning naming what is missing and why; the steps after it go
    on with what there is."""
    out = run_dir / "train" / scale
    written: dict[str, Path] = {}
    predictions = _attempt("held-out predictions for the plots",
                           lambda: collect_predictions(run_dir, scale), warn)  # fmt: skip
    if predictions is not None:
        folder = _attempt("saved predictions",
                          lambda: save_predictions(predictions, out / PREDICTIONS_DIR), warn)  # fmt: skip
        if folder is not None:
            written["predictions"] = folder
    if not has_matplotlib():
        warn(f"no plots or report were drawn: they need matplotlib; {PLOTS_EXTRA}.")
        return written
    from metagen.report.html_report import write_report
    from metagen.report.plots import PLOTS_DIR, draw_plots
    from metagen.report.run_record import read_run

    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    if _attempt("plots", lambda: draw_plots(metrics, predictions, out / PLOTS_DIR), warn):
        written["plots"] = out / PLOTS_DIR
    written["diagram"] = _traced_diagram(run_dir, warn)
    report = _attempt("HTML report", lambda: write_report(read_run(run_dir, scale)), warn)
    if report is not None:
        written["report"] = report
    return written


def _attempt(what: str, action: Callable[[], T], warn: Callable[[str], None]) -> T | None:
    """`action()`, or None and a warning. Training has succeeded and its files are written:
    whatever goes wrong after it, a bug included, costs only what it would have drawn."""
    try:
        return action()
    except Exception as error:  # noqa: BLE001  (said, never silent; the tests catch the bug)
        warn(f"the {what} could not be written ({type(error).__name__}: {error}).")
        return None


def _traced_diagram(run_dir: Path, warn: Callable[[str], None]) -> Path:
    """docs/architecture.svg redrawn with the shapes between components, traced now that
    torch is at hand (synth draws it without them)."""
    path = run_dir / "docs" / DIAGRAM_FILE
    plan = json.loads((run_dir / "blueprint" / "params.json").read_text(encoding="utf-8"))
    try:
        write_diagram(plan, path, trace=True)
    except (ValueError, KeyError, TypeError, RuntimeError, NotImplementedError) as error:
        warn(f"the diagram's shapes could not be traced ({error}); it shows none.")
        write_diagram(plan, path, trace=False)
    return path
