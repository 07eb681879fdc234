"""`metagen demo`: an 8B language model (examples/specs/text/text_llm.yaml) and a ResNet-50, planned exactly, generated,
and smoke-trained on built-in synthetic data, in a few minutes on a laptop CPU."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from metagen.spec import parse_spec_text
from metagen.synthesis import synthesize

# examples/specs/text/text_llm.yaml's 8B model, and the published ResNet-50.
DEMO_SPECS = {
    "text_llm": """\
metagen_version: "1.0"
name: "text_llm"
modality:
  inputs: ["text"]
  outputs: ["text"]
constraints:
  parameter_budget:
    max: "8B"
  context_window: "256k"
training:
  objective: ["autoregressive"]
architecture:
  family: "transformer"
""",
    "resnet50": """\
metagen_version: "1.0"
name: "resnet50"
modality:
  inputs: [image]
  outputs: [label]
  image:
    preset: imagenet
task:
  type: classification
  num_classes: 1000
constraints:
  parameter_budget:
    max: "26M"
architecture:
  family: cnn
  variant: resnet50
""",
}


def run_demo(
    out_dir: Path,
    *,
    train_one: Callable[..., dict[str, Any]],
    command_for: Callable[..., list[str]],
) -> None:
    console = Console(markup=False, highlight=False, soft_wrap=True)
    summary = []
    for name, text in DEMO_SPECS.items():
        spec = parse_spec_text(text, source=f"<demo {name}>")
        run_dir = synthesize(spec, out_dir, name, force=True)
        console.rule(f"{name}: planned and generated in {run_dir}")
        command = command_for(run_dir, "smoke", None, "synthetic", None, False, False)
        metrics = train_one(run_dir, command, "smoke")
        summary.append((name, run_dir, metrics))
    console.rule("demo finished")
    for name, run_dir, metrics in summary:
        console.print(f"{name}: {run_dir}", style="bold")
        console.print(f"  plan (exact params, FLOPs, memory): {run_dir / 'blueprint/params.json'}")
        console.print(f"  standalone code: {run_dir / 'code'}")
        console.print(
            f"  smoke-trained: {metrics['params_total']:,} params, "
            f"{metrics['wall_seconds']:.1f} s, held-out "
            + ", ".join(f"{k} {v:.4f}" for k, v in metrics["eval"].items() if isinstance(v, float))
        )
        console.print(f"  model card (measured): {run_dir / 'docs/model_card.md'}")
        for line in something_to_look_at(run_dir):
            console.print(f"  {line}")


def something_to_look_at(run_dir: Path) -> list[str]:
    """What the run's files show of its model at work: a generated text, a classified picture,
    and the report, each read back from what training wrote."""
    from metagen.report.html_report import REPORT_FILE
    from metagen.report.run_record import RunError, read_run

    try:
        record = read_run(run_dir, "smoke")
    except RunError as error:
        return [f"nothing to show: {error}"]
    lines = []
    samples = (record.predictions or {}).get("samples") or []
    if samples and "generated" in samples[0]:
        first = samples[0]
        lines.append(f"generated text (greedy, held-out prompt {first['prompt'][-60:]!r}):")
        lines.append(f"    {first['generated'][:200]!r}")
    picture = record.out / "plots" / "samples.png"
    shown = record.plot_values(picture) if picture.is_file() else None
    if shown and shown.get("samples"):
        first = shown["samples"][0]
        lines.append(
            f"classified pictures: {picture} (the first: {first['predicted']!r}, probability "
            f"{first['probability']:.2f}; true {first['true']!r})"
        )
    report = record.out / REPORT_FILE
    if report.is_file():
        lines.append(f"report: {report}")
    return lines
