"""One trained run as its files say it: the spec, the plan, metrics.json, data_info.json, the
held-out predictions and the plots. The report, the paper and compare read runs only
through this, so every number they show is one a file of the run holds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metagen.report.diagram import DIAGRAM_FILE
from metagen.report.predictions import PREDICTIONS_DIR, VALUES_FILE
from metagen.report.run_error import RunError

SCALES = ("full", "smoke")


@dataclass
class RunRecord:
    run_dir: Path
    scale: str
    spec_text: str
    plan: dict[str, Any]
    metrics: dict[str, Any]
    data_info: dict[str, Any]
    predictions: dict[str, Any] | None  # predictions.json's values (the arrays stay in .npz)
    diagram: str | None
    plots: list[Path] = field(default_factory=list)

    @property
    def out(self) -> Path:
        return self.run_dir / "train" / self.scale

    @property
    def name(self) -> str:
        return str(self.plan["name"])

    def plot_values(self, png: Path) -> dict[str, Any] | None:
        """The numbers a plot shows, from the JSON written beside it."""
        values = png.with_suffix(".json")
        return _read_json(values) if values.is_file() else None


def trained_scale(run_dir: Path, scale: str | None) -> str:
    """`scale` if given and trained; else the scale trained last."""
    trained = [s for s in SCALES if (run_dir / "train" / s / "metrics.json").is_file()]
    if scale is not None:
        if scale not in trained:
            raise RunError(
                f"{run_dir} has no {scale}-scale training run ({run_dir / 'train' / scale / 'metrics.json'} "
                f"is missing). Train it first: `metagen train {run_dir} --scale {scale}`."
            )
        return scale
    if not trained:
        raise RunError(
            f"{run_dir} has no trained run (no train/<scale>/metrics.json). Train it first: "
            f"`metagen train {run_dir} --scale smoke`."
        )
    return max(trained, key=lambda s: (run_dir / "train" / s / "metrics.json").stat().st_mtime)


def read_run(run_dir: Path, scale: str | None = None) -> RunRecord:
    if not (run_dir / "blueprint" / "params.json").is_file():
        raise RunError(
            f"{run_dir} is not a run directory (no blueprint/params.json). Pass a folder "
            "written by `metagen synth` or `metagen train`."
        )
    scale = trained_scale(run_dir, scale)
    out = run_dir / "train" / scale
    try:
        metrics = _read_json(out / "metrics.json")
        plan = _read_json(run_dir / "blueprint" / "params.json")
        info_path = out / "data_info.json"
        data_info = _read_json(info_path) if info_path.is_file() else {}
        values = out / PREDICTIONS_DIR / VALUES_FILE
        predictions = _read_json(values) if values.is_file() else None
        spec_path = run_dir / "spec_resolved.yaml"
        spec_text = spec_path.read_text(encoding="utf-8") if spec_path.is_file() else ""
    except (OSError, ValueError) as error:
        raise RunError(f"cannot read the run {run_dir}: {error}.") from None
    if not isinstance(metrics, dict) or "task" not in metrics or "eval" not in metrics:
        raise RunError(f"{out / 'metrics.json'} is not a training run's metrics; retrain it.")
    diagram_path = run_dir / "docs" / DIAGRAM_FILE
    return RunRecord(
        run_dir=run_dir,
        scale=scale,
        spec_text=spec_text,
        plan=plan,
        metrics=metrics,
        data_info=data_info,
        predictions=predictions,
        diagram=diagram_path.read_text(encoding="utf-8") if diagram_path.is_file() else None,
        plots=sorted((out / "plots").glob("*.png")),
    )


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
