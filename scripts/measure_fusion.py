"""Measure the fusion strategies and encoders on the built-in fusion data, as a user trains
them, and write the table into docs/fusion.md between its `measured` markers.

    python scripts/measure_fusion.py [--steps 600] [--spec examples/specs/multimodal/fusion_trimodal.yaml]

Each row is one `metagen`-synthesized run of the spec (its stages removed, so that every row
trains the same way) with one strategy, encoder and modality dropout, trained by the run's own
train.py at the smoke scale for --steps steps in a child process. The row's numbers come from
that run alone: held-out accuracy with every input and with each input removed (its
metrics.json), the training time per step (wall seconds / steps), the parameters, and the
child's peak resident memory (ru_maxrss, torch's own ~0.3 GB included). Run it on an idle
machine: step times are wall-clock.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from metagen.train_cli import resolve_run_dir

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "fusion.md"
BEGIN, END = "<!-- measured:begin -->", "<!-- measured:end -->"
STRATEGIES = ("early", "late", "hybrid", "hierarchical", "cross_attention")
ENCODERS = ("cfc", "lif", "cfc_lif")
# The child runs train.py and reports its own peak memory on its last line.
CHILD = (
    "import resource, runpy, sys\n"
    "sys.argv = ['train.py', *sys.argv[1:]]\n"
    "try:\n    runpy.run_path('train.py', run_name='__main__')\n"
    "except SystemExit as done:\n    assert not done.code, done.code\n"
    "print('peak_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def measure(spec: Path, out: Path, steps: int, overrides: dict) -> dict:
    """One run of `spec` with `overrides`: its metrics and the child's peak memory."""
    run_id = "-".join(str(v) for v in overrides.values()).replace(".", "p")
    run = resolve_run_dir(spec, out, run_id, None, {"training.stages": None, **overrides})
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--scale", "smoke", "--steps", str(steps), "--out",
         str(run / "train" / "smoke"), "--no-progress"],
        cwd=run / "code", capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{run_id} failed:\n{done.stderr[-3000:]}")
    peak = int(done.stdout.strip().splitlines()[-1].split()[1]) * 1024
    metrics = json.loads((run / "train" / "smoke" / "metrics.json").read_text())
    return {**metrics, "peak_bytes": peak, "run_id": run_id}


def row(label: str, metrics: dict, inputs: list[str]) -> str:
    held_out = metrics["eval"]
    removed = " | ".join(f"{held_out[f'accuracy_without_{m}']:.3f}" for m in inputs)
    step_ms = 1000 * metrics["wall_seconds"] / metrics["steps_this_run"]
    return (
        f"| {label} | {held_out['accuracy']:.3f} | {removed} | {step_ms:.1f} | "
        f"{metrics['params_total']:,} | {metrics['peak_bytes'] / 2**30:.2f} |"
    )


def table(spec: Path, steps: int, out: Path) -> str:
    from metagen.spec import load_spec

    inputs = list(load_spec(spec).modality.inputs)
    header = (
        f"| run | held-out accuracy | {' | '.join(f'without {m}' for m in inputs)} | "
        "ms per step | parameters | peak memory (GiB) |\n"
        f"|---|---:|{'---:|' * len(inputs)}---:|---:|---:|"
    )
    rows = []
    for strategy in STRATEGIES:
        for dropout in (0.0, 0.2):
            overrides = {"fusion.strategy": strategy, "fusion.encoder": "transformer",
                         "fusion.modality_dropout": dropout}  # fmt: skip
            metrics = measure(spec, out, steps, overrides)
            rows.append(row(f"{strategy}, dropout {dropout:g}", metrics, inputs))
            print(rows[-1], flush=True)
    for encoder in ENCODERS:
        overrides = {"fusion.strategy": "hybrid", "fusion.encoder": encoder,
                     "fusion.modality_dropout": 0.2}  # fmt: skip
        metrics = measure(spec, out, steps, overrides)
        rows.append(row(f"hybrid, encoder {encoder}, dropout 0.2", metrics, inputs))
        print(rows[-1], flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    source = (
        f"Measured by `python scripts/measure_fusion.py --steps {steps} --spec "
        f"{spec.relative_to(REPO)}` on {datetime.date.today()} at commit {commit}: "
        f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
        f"torch {torch.__version__}; each row one smoke-scale run of {steps} steps (encoder "
        "transformer unless named), scored on its held-out split. ms per step is the run's "
        "wall time over its steps, its periodic evaluations included; peak memory is the "
        "training process's peak resident set, torch included."
    )
    return f"{source}\n\n{header}\n" + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--spec", type=Path,
                        default=REPO / "examples/specs/multimodal/fusion_trimodal.yaml")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        measured = table(args.spec.resolve(), args.steps, Path(out))
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    DOC.write_text(f"{head}{BEGIN}\n{measured}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
