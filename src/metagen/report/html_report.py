"""`metagen report RUN`: one self-contained HTML page of a trained run (pictures inlined as
data URIs, no script, no outside link), every figure in it read from the run's files."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from metagen import __version__
from metagen.evaluate.baselines import compare_with_baseline
from metagen.report.plots import caption
from metagen.report.run_record import RunRecord
from metagen.tasks.registry import tasks

REPORT_FILE = "report.html"  # in the run's train/<scale>/
CURVE_PLOTS = ("loss", "headline", "learning_rate")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("metagen.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number_text
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def number_text(value: Any) -> str:
    """A measured value as the report prints it: integers whole, floats to 4 significant
    figures past the point, anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"


def data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def scalar_metrics(results: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in results.items() if isinstance(v, int | float | str) and k != "step"]


def text_samples(predictions: dict[str, Any] | None) -> list[dict[str, str]]:
    """The sample predictions a collector kept as text (generations, transcripts, ...): its
    "samples", each a flat record of strings and numbers."""
    samples = (predictions or {}).get("samples") or []
    return [
        {k: str(v) for k, v in sample.items() if isinstance(v, str | int | float)}
        for sample in samples
        if isinstance(sample, dict)
    ]


def render_report(record: RunRecord) -> str:
    metrics = record.metrics
    comparison = None
    if metrics["task"] in tasks():
        comparison = compare_with_baseline(metrics["eval"], *tasks()[metrics["task"]].headline)
    curves = [p for name in CURVE_PLOTS for p in record.plots if p.stem == name]
    others = [p for p in record.plots if p not in curves]
    context = {
        "run": record,
        "metrics": metrics,
        "plan": record.plan,
        "roles": {
            part["name"]: part.get("role", "") for part in record.plan.get("architecture", [])
        },
        "comparison": comparison,
        "eval_rows": scalar_metrics(metrics["eval"]),
        "data_rows": [
            (k, v) for k, v in record.data_info.items() if isinstance(v, int | float | str)
        ],
        "class_balance": class_balance(record),
        "curves": [(caption(p.stem), data_uri(p)) for p in curves],
        "plots": [(caption(p.stem), data_uri(p)) for p in others],
        "samples": text_samples(record.predictions),
        "machine_rows": machine_rows(metrics),
        # an <img>, never inline markup: a picture cannot run script
        "diagram_b64": base64.b64encode((record.diagram or "").encode()).decode("ascii"),
    }
    return _environment().get_template("report.html.j2").render(**context)


def class_balance(record: RunRecord) -> list[tuple[str, int]]:
    """Held-out samples per class, from the confusion matrix's counts where one was drawn."""
    for png in record.plots:
        if png.stem == "confusion_matrix":
            values = record.plot_values(png) or {}
            counts, names = values.get("counts"), values.get("class_names")
            if counts and names:
                return [(names[k], int(sum(row))) for k, row in enumerate(counts)]
    return []


def machine_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("device", f"{metrics.get('device')} ({metrics.get('device_name')})"),
        ("torch", str(metrics.get("torch_version"))),
        ("precision", str(metrics.get("precision"))),
        ("ranks", str(metrics.get("world_size"))),
        ("wall time (s)", number_text(metrics.get("wall_seconds"))),
        ("samples per second", number_text(metrics.get("samples_per_second"))),
    ]
    rows.append(("report written by", f"MetaGen {__version__}"))
    latency = metrics.get("latency_ms")
    if isinstance(latency, dict):
        rows.append(
            ("latency, batch 1 (ms)",
             f"median {number_text(latency['median'])} over {latency['runs']} runs")
        )  # fmt: skip
    return rows


def write_report(record: RunRecord, path: Path | None = None) -> Path:
    """The report of `record`, written whole to `path` (default RUN/train/<scale>/report.html)."""
    path = path or record.out / REPORT_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_report(record), encoding="utf-8")
    tmp.replace(path)
    return path
