"""`metagen predict RUN INPUT... --out FILE`: the run's own infer.py, run on every input named
(files, folders, globs, a CSV or JSONL), in batches, its predictions written as JSONL or CSV.
The library adds nothing to what the package predicts: one code path for both."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import app, err, fail, guarded, labelled, require_script


@app.command()
def predict(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, globs, or a CSV/JSONL of inputs.")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="predictions.jsonl or .csv")] = Path(
        "predictions.jsonl"
    ),
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the last trained).")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Inputs per batch.")] = 32,
) -> None:
    """Predict with a trained run's infer.py: a row per prediction (a label and its
    probabilities, boxes, a mask's PNG, a forecast, a transcript, generated text or a file)
    into JSONL or CSV; files the predictions are go into a folder beside it."""
    from metagen.report.run_record import trained_scale

    if out_file.suffix not in (".jsonl", ".csv"):
        fail(f"--out {out_file}: name a .jsonl or .csv file.")
    if not out_file.parent.is_dir():
        fail(f"--out {out_file}: no folder {out_file.parent}; create it first.")
    if batch_size < 1:
        fail(f"--batch-size {batch_size}: give at least 1.")
    require_script(run_dir, "infer.py")
    checkpoint = run_dir / "train" / guarded(lambda: trained_scale(run_dir, scale))
    command = [sys.executable, str(run_dir / "code" / "infer.py"), "--checkpoint",
               str(checkpoint.resolve()), *inputs, "--out", str(out_file.resolve()),
               "--batch-size", str(batch_size)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        reason = said[-1].removeprefix("error: ") if said else f"exit status {done.returncode}"
        fail(f"{run_dir.name}'s infer.py could not predict: {reason}")
    err.print(labelled("wrote", "green", done.stderr.strip().removeprefix("wrote ")))
