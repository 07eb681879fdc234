"""What `metagen train` writes after train.py has measured a run: the held-out predictions,
the plots drawn from them and from metrics.json, and the HTML report. Training has succeeded
by then, so a failure here is a warning that says what is missing, never a lost run."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

from metagen.report.diagram import DIAGRAM_FILE, write_diagram
from metagen.report.predictions import PREDICTIONS_DIR, collect_predictions, save_predictions

PLOTS_EXTRA = "pip install 'metagen[plots]' (matplotlib)"


def has_matplotlib() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def write_run_outputs(run_dir: Path, scale: str, warn: Callable[[str], None]) -> dict[str, Path]:
    """Predictions, plots and report of `run_dir`'s `scale` run; the paths written, by name."""
    out = run_dir / "train" / scale
    written: dict[str, Path] = {}
    try:
        predictions = collect_predictions(run_dir, scale)
    except (ValueError, KeyError, OSError, RuntimeError) as error:
        warn(f"no held-out predictions were collected for the plots ({error}).")
        predictions = None
    if predictions is not None:
        written["predictions"] = save_predictions(predictions, out / PREDICTIONS_DIR)
    if not has_matplotlib():
        warn(f"no plots or report were drawn: they need matplotlib; {PLOTS_EXTRA}.")
        return written
    from metagen.report.plots import PLOTS_DIR, draw_plots

    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    try:
        draw_plots(metrics, predictions, out / PLOTS_DIR)
        written["plots"] = out / PLOTS_DIR
    except (ValueError, KeyError, OSError, RuntimeError) as error:
        warn(f"the plots of {out} could not all be drawn ({error}).")
    written["diagram"] = _traced_diagram(run_dir, warn)
    from metagen.report.html_report import write_report
    from metagen.report.run_record import read_run

    written["report"] = write_report(read_run(run_dir, scale))
    return written


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
