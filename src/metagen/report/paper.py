"""`metagen paper RUN`: a technical report of one trained run, in Markdown and LaTeX (and PDF
where pdflatex exists). Its sections follow the task: the results name the task's headline
metric and baseline, its plots, and its sample predictions. Every number in it is copied from
the run's files (tests/report/test_paper.py checks that): no count, ratio or date is derived
here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metagen.evaluate.baselines import compare_with_baseline
from metagen.report.html_report import number_text, scalar_metrics, text_samples
from metagen.report.plots import caption
from metagen.report.run_record import RunRecord
from metagen.tasks.registry import runtime_task


@dataclass
class Block:
    kind: str  # section, paragraph, table, figure, verbatim
    text: str = ""
    rows: list[list[str]] | None = None
    path: Path | None = None


def paper_blocks(record: RunRecord) -> list[Block]:
    plan, metrics = record.plan, record.metrics
    task = metrics["task"]
    metric, baseline, higher = runtime_task(task).headline
    compared = compare_with_baseline(metrics["eval"], metric, baseline, higher)
    better = "higher" if higher else "lower"
    verdict = {True: "beats", False: "does not beat", None: "cannot be compared with"}[
        compared["beats_baseline"]
    ]
    value, base = number_text(compared["value"]), number_text(compared["baseline_value"])
    blocks = [
        Block("section", "Abstract"),
        Block(
            "paragraph",
            (
                f"We plan a {plan['arch']} model ({plan['family']} family) for {task} from a "
                f"MetaGen spec: {number_text(plan['params_total'])} parameters, counted exactly. We "
                f"train the same topology at the {record.scale} scale "
                f"({number_text(metrics['params_total'])} parameters) for "
                f"{number_text(metrics['steps'])} steps on {metrics['data_source']} data. On held-out "
                f"data it reaches {metric} {value}, against {base} for the trivial baseline "
                f"({baseline}; {better} is better): it {verdict} the baseline."
            ),
        ),  # fmt: skip
        Block("section", "Method"),
        Block(
            "paragraph",
            (
                f"The architecture is {plan['arch']}"
                + (f", variant {plan['variant']}" if plan.get("variant") else "")
                + f". It has {number_text(plan['params_total'])} parameters and "
                f"{number_text(plan['flops_per_sample'])} forward FLOPs per {plan['flops_sample']}. "
                "Its components, in order, with the role and exact parameter count of each:"
            ),
        ),  # fmt: skip
        Block(
            "table",
            rows=[["component", "role", "parameters"]]
            + [
                [c["name"], _role(plan, c["name"]), number_text(c["params"])]
                for c in plan["components"]
            ],
        ),  # fmt: skip
    ]
    if (record.run_dir / "docs" / "architecture.svg").is_file():
        blocks.append(Block("paragraph", "The diagram is in docs/architecture.svg of the run."))
    blocks += _setup(record)
    blocks += _results(record, metric, baseline)
    blocks += _limitations(record)
    return blocks


def _role(plan: dict[str, Any], name: str) -> str:
    return next((p.get("role", "") for p in plan.get("architecture", []) if p["name"] == name), "")


def _setup(record: RunRecord) -> list[Block]:
    metrics = record.metrics
    train = metrics.get("train_config") or {}
    rows = [["setting", "value"], ["data", str(metrics["data_source"])]]
    rows += [[key, number_text(value)] for key, value in record.data_info.items()
             if isinstance(value, int | float) and not isinstance(value, bool)]  # fmt: skip
    for key in ("steps", "batch_size", "lr", "warmup_steps", "weight_decay", "grad_clip", "seed"):
        if key in train:
            rows.append([key.replace("_", " "), number_text(train[key])])
    rows += [
        ["device", f"{metrics.get('device')} ({metrics.get('device_name')})"],
        ["precision", str(metrics.get("precision"))],
        ["torch", str(metrics.get("torch_version"))],
        ["wall seconds", number_text(metrics.get("wall_seconds"))],
    ]
    return [
        Block("section", "Setup"),
        Block("paragraph", "Data, schedule and hardware of the run, as it recorded them:"),
        Block("table", rows=rows),
    ]


def _results(record: RunRecord, metric: str, baseline: str) -> list[Block]:
    metrics = record.metrics
    rows = [["held-out metric", "value"]]
    rows += [[name, number_text(value)] for name, value in scalar_metrics(metrics["eval"])]
    blocks = [
        Block("section", "Results"),
        Block(
            "paragraph",
            (
                f"Held-out results of the final checkpoint. The headline metric of {metrics['task']} "
                f"is {metric}; {baseline} is the same metric of a trivial baseline on the same data."
            ),
        ),  # fmt: skip
        Block("table", rows=rows),
    ]
    latency = metrics.get("latency_ms")
    if isinstance(latency, dict):
        blocks.append(Block("paragraph", (
            f"Latency at batch 1 on {latency.get('device')}: median "
            f"{number_text(latency['median'])} ms over {number_text(latency['runs'])} runs."
        )))  # fmt: skip
    for png in record.plots:
        blocks.append(Block("figure", caption(png.stem), path=png))
    samples = text_samples(record.predictions)
    if samples:
        keys = list(samples[0])
        blocks.append(Block("paragraph", "Sample predictions on held-out inputs:"))
        blocks.append(Block("table", rows=[keys] + [[s.get(k, "") for k in keys] for s in samples]))
    return blocks


def _limitations(record: RunRecord) -> list[Block]:
    plan = record.plan
    lines = [
        f"The run trained at the {record.scale} scale"
        + ("" if record.scale == "full" else ", with smaller dimensions than the planned model")
        + "; its results say nothing about the planned model's quality at full scale."
        if record.scale != "full"
        else "The run trained the planned model.",
        f"Held-out results are on {record.metrics['data_source']} data, from one run with one "
        "seed: they carry no error bars and say nothing about other data.",
    ]
    lines += list(plan.get("approximations", [])) + list(plan.get("warnings", []))
    return [Block("section", "Limitations")] + [Block("paragraph", line) for line in lines]
