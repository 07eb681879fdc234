"""`metagen train` and `metagen demo`: run the generated train.py, then rewrite the docs from
what it measured. The code that trains is the generated package's, so `metagen train` and
`python code/train.py` do the same thing."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from metagen.cli import (
    SeedOption,
    UsageError,
    app,
    check_run_id,
    check_seed,
    default_run_id,
    fail,
    guarded,
    out,
    require_script,
    show_warnings,
)
from metagen.report.docs import render_docs
from metagen.spec import load_spec
from metagen.synthesis import synthesize
from metagen.tasks.registry import runtime_task, split_ref

SPEC_SUFFIXES = (".yaml", ".yml")
IMPORTED_WEIGHTS = Path("weights") / "model.safetensors"  # written by `metagen import`


def resolve_run_dir(
    target: Path,
    out_dir: Path,
    run_id: str | None,
    seed: int | None,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """A run directory: `target` itself, or a fresh synth of the spec `target` with
    `overrides` (dotted spec fields to values, from flags) applied."""
    if target.is_dir():
        if not (target / "code" / "train.py").is_file():
            raise UsageError(
                f"{target} is not a run directory (no code/train.py). Pass a spec file, or a "
                "folder written by `metagen synth`."
            )
        if overrides:
            raise UsageError(
                f"the flags {', '.join(FLAG_OF[f] for f in overrides)} change the spec, and the "
                f"run directory {target} holds a model planned already. Pass the spec file "
                "instead."
            )
        return target
    if target.suffix not in SPEC_SUFFIXES:
        raise UsageError(f"{target} is neither a spec (.yaml) nor a run directory.")
    spec = load_spec(target, overrides)
    show_warnings([w.located for w in spec.warnings])
    rid = f"{spec.name}-{default_run_id()}" if run_id is None else run_id
    check_run_id(rid)
    return synthesize(spec, out_dir, rid, seed=seed)


# The spec field each override flag sets.
FLAG_OF = {
    "modality.inputs": "--modalities",
    "fusion.strategy": "--fusion-strategy",
    "fusion.fusion_dim": "--fusion-dim",
}


def spec_overrides(
    modalities: str | None, strategy: str | None, fusion_dim: int | None
) -> dict[str, Any]:
    """The spec fields the fusion flags set; the spec's validation checks their values."""
    given = {
        "modality.inputs": [m.strip() for m in modalities.split(",")] if modalities else None,
        "fusion.strategy": strategy,
        "fusion.fusion_dim": fusion_dim,
    }
    return {field: value for field, value in given.items() if value is not None}


def built_in_data(run_dir: Path, scale: str, seed: int | None) -> str:
    """What --data synthetic means for this run: "synthetic", which train.py makes itself,
    or for a task whose built-in data only the library can make (its row's
    writes_synthetic), the folder written for it in the run, data/<scale>-seed<seed>, once."""
    config = json.loads((run_dir / "code" / "config.json").read_text(encoding="utf-8"))
    writer = runtime_task(config["task"]).writes_synthetic
    if writer is None:
        return "synthetic"
    data_seed = config["seed"] if seed is None else seed
    folder = run_dir / "data" / f"{scale}-seed{data_seed}"
    if not folder.is_dir():  # the writer fills a temporary folder and renames it when whole
        out.print(f"writing the built-in {config['task']} data to {folder}")
        folder.parent.mkdir(parents=True, exist_ok=True)
        module, name = split_ref(writer)
        write = getattr(importlib.import_module(module), name)
        try:
            write(folder, config["scales"][scale]["data"], data_seed)
        except (ValueError, OSError, RuntimeError) as error:
            raise UsageError(
                f"cannot write the built-in data for {run_dir.name}: {error}."
            ) from None
    return str(folder)


def spec_data_path(run_dir: Path) -> str:
    """The run's spec's data.path (absolute: the loader resolved it), else "synthetic"."""
    import yaml

    resolved = yaml.safe_load((run_dir / "spec_resolved.yaml").read_text(encoding="utf-8"))
    return (resolved.get("data") or {}).get("path") or "synthetic"


DURATION = re.compile(r"\s*(\d+(?:\.\d*)?)\s*(s|m|min|h)?\s*")  # as train.py's --time-budget reads


def sizing_options(
    time_budget: str | None, epochs: int | None, patience: int | None, full_size: bool
) -> list[str]:
    """train.py's options for the run's length and size, checked before anything is built."""
    found = DURATION.fullmatch(time_budget) if time_budget is not None else None
    if time_budget is not None and (found is None or float(found[1]) <= 0):
        raise UsageError(f"--time-budget {time_budget!r} is not a duration. Write 90s, 2m or 1h.")
    if epochs is not None and epochs < 1:
        raise UsageError(f"--epochs {epochs} must be at least 1.")
    if patience is not None and patience < 0:
        raise UsageError(f"--patience {patience} must be 0 (never stop early) or more.")
    options = ["--time-budget", time_budget.strip()] if time_budget is not None else []
    options += ["--epochs", str(epochs)] if epochs is not None else []
    options += ["--patience", str(patience)] if patience is not None else []
    return options + ["--full-size"] * full_size


def train_command(
    run_dir: Path,
    scale: str,
    steps: int | None,
    data: str,
    seed: int | None,
    resume: bool,
    compile_model: bool,
    init_from: Path | None = None,
    tokenizer: Path | None = None,
    sizing: list[str] | None = None,
) -> list[str]:
    """train.py's command line. A run that `metagen import` wrote starts from its weights at
    full scale, unless `init_from` names others. `sizing` is train.py's options for the run's
    length and size (--time-budget, --epochs, --patience, --full-size), passed on as given."""
    source = data if data == "synthetic" else str(Path(data).resolve())
    command = [
        sys.executable,
        str(run_dir / "code" / "train.py"),
        "--scale",
        scale,
        "--data",
        source,
        "--out",
        str(run_dir / "train" / scale),
    ]
    for flag, value in (("--steps", steps), ("--seed", seed)):
        if value is not None:
            command += [flag, str(value)]
    command += ["--resume"] * resume + ["--compile"] * compile_model
    imported = run_dir / IMPORTED_WEIGHTS
    # the imported weights are the full scale's shapes: the smoke scale trains its own
    if init_from is not None or (imported.is_file() and scale == "full"):
        command += ["--init-from", str(Path(init_from or imported).resolve())]
    if tokenizer is not None:
        command += ["--tokenizer", str(tokenizer.resolve())]
    return command + list(sizing or [])


def refresh_docs(
    run_dir: Path, metrics: dict[str, Any], scale: str, written: dict[str, Path] | None = None
) -> None:
    """Rewrite docs/ from the plan and the run's measured metrics.json, linking the plots and
    report in `written` (write_run_outputs')."""
    plan = json.loads((run_dir / "blueprint" / "params.json").read_text(encoding="utf-8"))
    spec = (run_dir / "spec_resolved.yaml").read_text(encoding="utf-8")
    import yaml

    description = yaml.safe_load(spec).get("description") or ""
    training = {**metrics, "out_dir": str(Path("train") / scale)}
    written = written or {}
    plots = sorted(p.name for p in written["plots"].glob("*.png")) if "plots" in written else []
    report = f"../train/{scale}/{written['report'].name}" if "report" in written else None
    for name, text in render_docs(plan, description, training, plots, report).items():
        path = run_dir / "docs" / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)


# train.py's exit status when it rejects the data, before it writes anything.
DATA_REJECTED = 2
INTERRUPTED = 130  # the shell's status for a process stopped by Ctrl-C (128 + SIGINT)


def run_training(
    run_dir: Path, command: list[str], scale: str, *, fresh: bool = False
) -> dict[str, Any]:
    """Run train.py. A run directory synthesized for this call (`fresh`) is removed again
    when the run fails before its first checkpoint, so bad input leaves nothing behind; a
    checkpoint, once written, is kept for --resume."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    # A `kill` of metagen (a job scheduler's timeout, say) stops train.py too, rather than
    # leaving it training with no one to read its result.
    previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        returncode = process.wait()
    except KeyboardInterrupt:  # train.py got the same Ctrl-C and has stopped
        process.wait()
        returncode = INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if returncode != 0:
        raise UsageError(_failure(run_dir, scale, returncode, fresh))
    seconds = time.perf_counter() - started
    metrics = json.loads((run_dir / "train" / scale / "metrics.json").read_text(encoding="utf-8"))
    from metagen.report.run_outputs import write_run_outputs
    from metagen.report.summary import training_summary

    written = write_run_outputs(run_dir, scale, warn=lambda text: show_warnings([text]))
    refresh_docs(run_dir, metrics, scale, written)
    out.print(training_summary(run_dir, scale, metrics, written, seconds))
    return metrics


def _failure(run_dir: Path, scale: str, returncode: int, fresh: bool) -> str:
    """What a failed train.py run means, after removing a fresh run dir that holds nothing
    worth keeping."""
    checkpoints = run_dir / "train" / scale / "checkpoints"
    # latest, best, or the copy a save moved aside; never a killed save's .latest.tmp-<pid>
    has_checkpoint = checkpoints.is_dir() and any(
        (path / "model.safetensors").is_file()
        for path in checkpoints.iterdir()
        if ".tmp-" not in path.name
    )
    if returncode == DATA_REJECTED and fresh:
        shutil.rmtree(run_dir, ignore_errors=True)
        return (
            "train.py rejected its input before training (the message above says why); the "
            "run directory synthesized for it was removed, so nothing was written."
        )
    if returncode == DATA_REJECTED:  # its data, or weights to resume or start from
        return f"train.py rejected its input (the message above says why); {run_dir} is kept."
    if returncode == INTERRUPTED:
        stopped = "was interrupted"
    elif returncode == -signal.SIGTERM:
        stopped = "was stopped (metagen was sent SIGTERM)"
    else:
        stopped = f"stopped with exit code {returncode}"
    if fresh and not has_checkpoint:
        shutil.rmtree(run_dir, ignore_errors=True)
        return (
            f"training {stopped} before its first checkpoint (the message above says why); "
            f"the run directory {run_dir} synthesized for it was removed."
        )
    if has_checkpoint:
        return (
            f"training in {run_dir} {stopped}; its checkpoint is kept: continue with "
            f"`metagen train {run_dir} --scale {scale} --resume`."
        )
    return f"training in {run_dir} {stopped}; the message above says why."


@app.command()
def train(
    target: Annotated[Path, typer.Argument(help="A spec file, or a run directory from synth.")],
    scale: Annotated[
        str, typer.Option(help="full, or smoke (same topology, small dims).")
    ] = "full",
    steps: Annotated[int | None, typer.Option(help="Override the number of steps.")] = None,
    data: Annotated[
        str | None,
        typer.Option(help="'synthetic' or a path to your data (default: the spec's data.path)."),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Parent of new run directories.")] = Path(
        "runs"
    ),
    run_id: Annotated[str | None, typer.Option(help="Run directory name for a spec.")] = None,
    seed: SeedOption = None,
    resume: Annotated[bool, typer.Option(help="Resume from the last checkpoint.")] = False,
    compile_model: Annotated[bool, typer.Option("--compile", help="torch.compile.")] = False,
    init_from: Annotated[
        Path | None,
        typer.Option(help="Start from these weights (default: an imported run's own)."),
    ] = None,
    tokenizer: Annotated[
        Path | None,
        typer.Option(help="A tokenizer.json to read the text with (text models only)."),
    ] = None,
    modalities: Annotated[
        str | None,
        typer.Option(help="Fusion: the input modalities, comma-separated (modality.inputs)."),
    ] = None,
    fusion_strategy: Annotated[
        str | None,
        typer.Option(help="Fusion: early, late, hybrid, hierarchical or cross_attention."),
    ] = None,
    fusion_dim: Annotated[
        int | None, typer.Option(help="Fusion: the width of the fused features.")
    ] = None,
    time_budget: Annotated[
        str | None,
        typer.Option(
            help="End training by this wall time (90s, 2m, 1h), with the best weights "
            "found by then."
        ),
    ] = None,
    epochs: Annotated[
        int | None, typer.Option(help="Passes over the training set (default: from its size).")
    ] = None,
    patience: Annotated[
        int | None,
        typer.Option(
            help="Evaluations without a better held-out metric that end the run "
            "(0: never; default 10)."
        ),
    ] = None,
    full_size: Annotated[
        bool, typer.Option(help="Train the full scale's dims even on a small training set.")
    ] = False,
) -> None:
    """Train a spec or run directory with the generated train.py; write metrics.json and docs.
    The fusion flags override the spec's fields before it is planned."""
    if scale not in ("full", "smoke"):
        fail(f"--scale {scale!r} is not a scale. Use full or smoke.")
    if data not in (None, "synthetic") and not Path(data).exists():
        fail(f"--data {data}: no such file or folder. Pass 'synthetic' or an existing path.")
    guarded(lambda: check_seed(seed))
    sizing = guarded(lambda: sizing_options(time_budget, epochs, patience, full_size))
    if init_from is not None and not init_from.is_file():
        fail(f"--init-from {init_from}: no such file. Pass a .safetensors weights file.")
    if tokenizer is not None and not tokenizer.is_file():
        fail(f"--tokenizer {tokenizer}: no such file. Pass a tokenizer.json.")
    fresh = not target.is_dir()
    overrides = spec_overrides(modalities, fusion_strategy, fusion_dim)
    if fresh and data not in (None, "synthetic"):  # the plan sees the data it trains on
        overrides["data.path"] = str(Path(data).resolve())
    run_dir = guarded(lambda: resolve_run_dir(target, out_dir, run_id, seed, overrides))
    if tokenizer is not None and "--tokenizer" not in (run_dir / "code" / "train.py").read_text(
        encoding="utf-8"
    ):
        if fresh:
            shutil.rmtree(run_dir, ignore_errors=True)
        fail(
            f"--tokenizer: {run_dir.name}'s model does not read text through a tokenizer (only "
            "language models, masked LMs and text classifiers, regressors, embedders and "
            "rankers do). Leave --tokenizer out."
        )
    if data is None:
        data = spec_data_path(run_dir)
        if data != "synthetic" and not Path(data).exists():
            if fresh:
                shutil.rmtree(run_dir, ignore_errors=True)
            fail(f"data.path {data}: no such file or folder. Fix the spec, or pass --data.")
    if data == "synthetic":
        try:
            data = built_in_data(run_dir, scale, seed)
        except UsageError as error:
            if fresh:  # nothing trained: leave nothing behind
                shutil.rmtree(run_dir, ignore_errors=True)
            fail(str(error))
    command = train_command(
        run_dir, scale, steps, data, seed, resume, compile_model, init_from, tokenizer, sizing
    )
    guarded(lambda: run_training(run_dir, command, scale, fresh=fresh))


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write.")] = Path("runs/demo"),
) -> None:
    """Synthesize and smoke-train a language model and an image classifier (built-in specs)."""
    from metagen.demo import run_demo

    guarded(lambda: run_demo(out_dir, train_one=run_training, command_for=train_command))


@app.command()
def evaluate(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the scale trained last).")
    ] = None,
    data: Annotated[
        Path | None, typer.Option(help="Data to score on (default: the run's held-out split).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for metrics.json (default: RUN/train/SCALE/eval)."),
    ] = None,
) -> None:
    """Score a trained run on held-out data with its generated evaluate.py: a table here,
    every metric in metrics.json."""
    from metagen.report.run_record import trained_scale

    if scale is not None and scale not in ("full", "smoke"):
        fail(f"--scale {scale!r} is not a scale. Use full or smoke.")
    require_script(run_dir, "evaluate.py")
    if data is not None and not data.exists():
        fail(f"--data {data}: no such file or folder.")

    checkpoint = run_dir / "train" / guarded(lambda: trained_scale(run_dir, scale))
    command = [sys.executable, str(run_dir / "code" / "evaluate.py"), "--checkpoint",
               str(checkpoint.resolve())]  # fmt: skip
    if data is not None:
        command += ["--data", str(data.resolve())]
    if out_dir is not None:
        command += ["--out", str(out_dir.resolve())]
    returncode = subprocess.run(command).returncode
    if returncode != 0:
        raise typer.Exit(returncode)
