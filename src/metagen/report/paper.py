"""`metagen paper RUN`: a technical report of one trained run, in Markdown and LaTeX (and PDF
where pdflatex exists). Its sections follow the task: the results name the task's headline
metric and baseline, its plots, and its sample predictions. Every number in it is copied from
the run's files (tests/report/test_paper.py checks that): no count, ratio or date is derived
here."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metagen.evaluate.baselines import compare_with_baseline
from metagen.report.html_report import number_text, scalar_metrics, text_samples
from metagen.report.run_record import RunRecord
from metagen.tasks.registry import runtime_task

PDFLATEX_SECONDS = 120

# What each plot shows, by its file's stem; a plot not named here is captioned by its stem.
CAPTIONS = {
    "loss": "Training loss (running mean) and validation loss against the step.",
    "learning_rate": "The learning rate the schedule set at each step.",
    "headline": "The headline held-out metric at each evaluation, beside the trivial baseline.",
    "confusion_matrix": "Confusion matrix on held-out data, each true class's row normalised.",
    "per_class": "Precision, recall and F1 per class on held-out data.",
    "pr_roc_curves": "Precision-recall and ROC curves, one class against the rest.",
    "samples": "Held-out inputs with the model's predictions.",
}


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
        caption = CAPTIONS.get(png.stem, png.stem.replace("_", " ").capitalize() + ".")
        blocks.append(Block("figure", caption, path=png))
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


# ---------------------------------------------------------------------------------------------
# rendering


def to_markdown(record: RunRecord, blocks: list[Block], figures: dict[Path, str]) -> str:
    lines = [f"# {record.name}: a MetaGen technical report", ""]
    for block in blocks:
        if block.kind == "section":
            lines += [f"## {block.text}", ""]
        elif block.kind == "paragraph":
            lines += [block.text, ""]
        elif block.kind == "table" and block.rows:
            cells = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in block.rows]
            lines.append("| " + " | ".join(cells[0]) + " |")
            lines.append("|" + "---|" * len(cells[0]))
            lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
            lines.append("")
        elif block.kind == "figure" and block.path is not None:
            lines += [f"![{block.text}]({figures[block.path]})", "", f"*{block.text}*", ""]
    return "\n".join(lines)


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
}  # fmt: skip


def latex_text(text: str) -> str:
    """Plain text, inert in LaTeX: every special character escaped, non-ASCII dropped to '?'
    (pdflatex's default fonts have no glyphs for it)."""
    escaped = "".join(LATEX_SPECIALS.get(c, c) for c in text)
    return escaped.encode("ascii", "replace").decode("ascii")


def to_latex(record: RunRecord, blocks: list[Block], figures: dict[Path, str]) -> str:
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[margin=1in]{geometry}",
        r"\usepackage{graphicx}",
        r"\usepackage{longtable}",
        r"\usepackage{booktabs}",
        r"\usepackage[T1]{fontenc}",
        r"\title{" + latex_text(record.name) + r": a MetaGen technical report}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    in_abstract = False
    for block in blocks:
        if block.kind == "section":
            in_abstract = block.text == "Abstract"
        if block.kind == "section" and not in_abstract:
            lines.append(r"\section{" + latex_text(block.text) + "}")
        elif block.kind == "paragraph":
            if in_abstract:
                lines += [r"\begin{abstract}", latex_text(block.text), r"\end{abstract}"]
            else:
                lines += [latex_text(block.text), ""]
        elif block.kind == "table" and block.rows:
            columns = len(block.rows[0])
            spec = "l" * columns
            lines.append(r"\begin{longtable}{" + spec + "}")
            lines.append(r"\toprule")
            lines.append(" & ".join(latex_text(c) for c in block.rows[0]) + r" \\")
            lines.append(r"\midrule")
            for row in block.rows[1:]:
                lines.append(" & ".join(latex_text(_clip(c)) for c in row) + r" \\")
            lines += [r"\bottomrule", r"\end{longtable}", ""]
        elif block.kind == "figure" and block.path is not None:
            lines += [
                r"\begin{figure}[htbp]",
                r"\centering",
                r"\includegraphics[width=\linewidth,height=\textheight,keepaspectratio]{"
                + figures[block.path]
                + "}",
                r"\caption{" + latex_text(block.text) + "}",
                r"\end{figure}",
                "",
            ]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _clip(cell: str, most: int = 60) -> str:
    """A table cell on one line, cut where long (LaTeX tables do not wrap plain columns)."""
    flat = " ".join(cell.split())
    return flat if len(flat) <= most else flat[: most - 3] + "..."


def write_paper(record: RunRecord, out_dir: Path) -> dict[str, Path]:
    """paper.md, paper.tex, figures/ and, where pdflatex runs, paper.pdf into `out_dir`."""
    blocks = paper_blocks(record)
    figures_dir = out_dir / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    figures = {}
    for block in blocks:
        if block.kind == "figure" and block.path is not None:
            shutil.copyfile(block.path, figures_dir / block.path.name)
            figures[block.path] = f"figures/{block.path.name}"
    written = {
        "markdown": out_dir / "paper.md",
        "latex": out_dir / "paper.tex",
    }
    written["markdown"].write_text(to_markdown(record, blocks, figures), encoding="utf-8")
    written["latex"].write_text(to_latex(record, blocks, figures), encoding="utf-8")
    pdf = compile_pdf(written["latex"])
    if pdf is not None:
        written["pdf"] = pdf
    return written


def compile_pdf(tex: Path) -> Path | None:
    """paper.pdf beside `tex` by pdflatex (twice, for the references), or None where
    pdflatex is not installed. Runs in a temporary folder: no aux files are left behind."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        return None
    with tempfile.TemporaryDirectory() as build:
        shutil.copytree(tex.parent / "figures", Path(build) / "figures")
        shutil.copyfile(tex, Path(build) / tex.name)
        command = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                   tex.name]  # fmt: skip
        for _ in range(2):
            result = subprocess.run(command, cwd=build, capture_output=True, text=True,
                                    timeout=PDFLATEX_SECONDS, errors="replace")  # fmt: skip
            if result.returncode != 0:
                raise RuntimeError(f"pdflatex failed on {tex}: {result.stdout[-1500:]}")
        target = tex.with_suffix(".pdf")
        shutil.copyfile(Path(build) / tex.with_suffix(".pdf").name, target)
    return target
