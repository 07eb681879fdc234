"""The few lines `metagen train` prints when a run ends: the headline metric beside its
trivial baseline, where the checkpoint, plots and report are, and what to run next."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from metagen.evaluate.baselines import compare_with_baseline
from metagen.report.html_report import number_text
from metagen.tasks.registry import runtime_task


def training_summary(
    run_dir: Path, scale: str, metrics: dict[str, Any], written: dict[str, Path], seconds: float
) -> str:
    out = run_dir / "train" / scale
    lines = [
        f"trained {run_dir.name} ({scale} scale) in {seconds:.1f} s: "
        f"{metrics['params_total']:,} parameters, {metrics['steps']:,} steps, final training "
        f"loss {number_text(metrics['final_train_loss'])}",
        *_ending(metrics),
        _headline(metrics),
        f"  checkpoint  {out / 'checkpoints' / 'latest'}",
        f"  metrics     {out / 'metrics.json'}",
    ]
    if "plots" in written:
        count = len(list(written["plots"].glob("*.png")))
        lines.append(f"  plots       {written['plots']} ({count} PNG)")
    if "report" in written:
        lines.append(f"  report      {written['report']}")
    lines.append(f"  model card  {run_dir / 'docs' / 'model_card.md'}")
    code = run_dir / "code"
    lines += [
        "next:",
        f"  python {shlex.quote(str(code / 'evaluate.py'))} --checkpoint {shlex.quote(str(out))}"
        "   # score it again, or add --data yours",
        f"  python {shlex.quote(str(code / 'infer.py'))} --help   # predict with it",
        f"  metagen report {shlex.quote(str(run_dir))} --scale {scale}   # the HTML report again",
    ]
    if scale == "smoke":
        lines.append(
            f"  metagen train {shlex.quote(str(run_dir))} --scale full   # the planned model"
        )
    return "\n".join(lines)


STOPPED_BY = {"patience": "stopped early: the held-out metric stopped improving",
              "time_budget": "stopped by the time budget"}  # fmt: skip


def _ending(metrics: dict[str, Any]) -> list[str]:
    """How the run ended, where it was not at its planned steps, and whose weights it kept."""
    said = [STOPPED_BY[metrics["stop_reason"]]] if metrics.get("stop_reason") in STOPPED_BY else []
    if metrics.get("restored_best_step") is not None:
        monitored = (metrics.get("monitor") or {}).get("metric", "held-out metric")
        said.append(f"kept the weights of step {metrics['restored_best_step']:,}, the best "
                    f"{monitored} of its evaluations")  # fmt: skip
    return ["; ".join(said)] if said else []


def _headline(metrics: dict[str, Any]) -> str:
    metric, baseline, higher = runtime_task(metrics["task"]).headline
    compared = compare_with_baseline(metrics["eval"], metric, baseline, higher)
    value = number_text(compared["value"])
    if compared["beats_baseline"] is None:
        return f"held-out {metric}: {value} (no baseline to compare with)"
    verdict = "beats it" if compared["beats_baseline"] else "DOES NOT beat it"
    better = "higher" if higher else "lower"
    return (
        f"held-out {metric} {value} vs the trivial baseline's {number_text(compared['baseline_value'])} "
        f"({baseline}, {better} is better): {verdict}"
    )
