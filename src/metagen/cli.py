"""The `metagen` command line: thin, it parses flags and delegates."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from metagen.blueprint.model import PlanError
from metagen.spec import SpecError, load_spec
from metagen.spec.schema import MAX_SEED

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Turn a YAML model spec into an exact architecture, standalone PyTorch code and a "
    "measured training run.",
)
# User text (values, paths, messages) may hold brackets: never parse it as rich markup.
out = Console(markup=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)

T = TypeVar("T")


def _print_version(given: bool) -> None:
    if given:
        from metagen import __version__

        sys.stdout.write(f"metagen {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Turn a YAML model spec into an exact architecture, standalone PyTorch code and a
    measured training run."""


SpecArg = Annotated[Path, typer.Argument(help="Path to the YAML spec.", show_default=False)]
SeedOption = Annotated[int | None, typer.Option(help="Override the spec's seed.")]


class UsageError(Exception):
    """Bad command-line input that is not a spec problem (a missing run directory, ...)."""


def labelled(label: str, style: str, text: str) -> Text:
    """A styled label, then plain text that is printed exactly as it is."""
    return Text.assemble((label, style), " ", text)


def fail(message: str) -> None:
    err.print(labelled("error:", "bold red", message))
    raise typer.Exit(2)


def require_script(run_dir: Path, script: str) -> None:
    """Exit 2 in one line unless `run_dir` holds the generated `code/<script>`."""
    if not (run_dir / "code" / script).is_file():
        fail(f"{run_dir} is not a run directory (no code/{script}). Pass a folder written by "
             "`metagen train`.")  # fmt: skip


def guarded(action: Callable[[], T]) -> T:
    """Run `action`; known bad-input errors become one paragraph and exit 2, no traceback."""
    from metagen.checkpoint_import.sources import CheckpointError
    from metagen.report.run_error import RunError
    from metagen.synthesis import OutputError

    try:
        return action()
    except (SpecError, PlanError, OutputError, UsageError, CheckpointError, RunError) as error:
        fail(str(error))
    raise AssertionError("unreachable")


def show_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        err.print(labelled("warning:", "yellow", warning))


@app.command()
def validate(
    spec: SpecArg,
    schema_only: Annotated[
        bool,
        typer.Option(
            "--schema-only",
            help="Check the spec language only, not whether MetaGen can plan the model.",
        ),
    ] = False,
) -> None:
    """Check a spec: exit 0 if MetaGen can plan and synthesize it (warnings printed), 2 with a
    located error otherwise."""
    loaded = guarded(lambda: load_spec(spec))
    warnings = [w.located for w in loaded.warnings]
    if not schema_only:
        from metagen.planning import plan_warnings

        warnings += guarded(lambda: plan_warnings(loaded))
    show_warnings(warnings)
    out.print(labelled("ok", "green", f"{spec}: valid MetaGen spec '{loaded.name}'"))


@app.command()
def schema() -> None:
    """Print the spec language's JSON Schema."""
    from metagen.spec import Spec

    sys.stdout.write(json.dumps(Spec.model_json_schema(), indent=2) + "\n")


@app.command()
def plan(
    spec: SpecArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    seed: SeedOption = None,
    diagram: Annotated[
        Path | None,
        typer.Option(
            help="Also write the architecture diagram (SVG) here; runs the model "
            "once on one example to trace the shapes between components."
        ),
    ] = None,
    measure: Annotated[
        bool,
        typer.Option(
            "--measure",
            help="Also build the model and time its batch-1 forward on this machine's CPU "
            "(one thread, median after warm-up), beside the estimate; imports torch.",
        ),
    ] = False,
    scale: Annotated[
        str, typer.Option(help="The scale --measure times: full (the plan's model) or smoke.")
    ] = "full",
) -> None:
    """Solve the architecture: components, dims, exact params, FLOPs, memory and latency."""
    from metagen.planning import make_blueprint, plan_dict
    from metagen.report.plan_view import print_plan

    guarded(lambda: check_seed(seed))
    if scale not in ("full", "smoke"):
        fail(f"--scale {scale!r}: pick full or smoke.")
    if scale != "full" and not measure:
        fail(f"--scale {scale} picks what --measure times; add --measure, or leave --scale out.")
    loaded = guarded(lambda: load_spec(spec))
    result = guarded(lambda: plan_dict(make_blueprint(loaded, seed)))
    if diagram is not None:
        guarded(lambda: write_plan_diagram(result, diagram))
    if measure:
        from metagen.latency_cli import measured_beside_estimate

        result["measured_latency"] = guarded(lambda: measured_beside_estimate(result, scale))
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    show_warnings(result["warnings"])
    print_plan(out, result)


def write_plan_diagram(plan: dict, path: Path) -> None:
    from metagen.report.diagram import write_diagram

    if path.suffix.lower() != ".svg":
        raise UsageError(f"--diagram {path}: the diagram is an SVG; name a .svg file.")
    if not path.parent.is_dir():
        raise UsageError(f"--diagram {path}: no folder {path.parent}; create it first.")
    try:
        write_diagram(plan, path, trace=True)
    except ModuleNotFoundError as error:
        raise UsageError(
            f"--diagram traces the shapes with torch, which is not installed ({error}); "
            "pip install 'metagen[train]'."
        ) from None
    err.print(labelled("wrote", "green", str(path)))


def default_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


@app.command()
def synth(
    spec: SpecArg,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Parent folder of run directories.")
    ] = Path("runs"),
    run_id: Annotated[
        str | None, typer.Option(help="Run directory name (default: UTC time).")
    ] = None,
    seed: SeedOption = None,
    force: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
) -> None:
    """Write DIR/ID/: spec_resolved.yaml, blueprint/, code/, docs/ and logs/."""
    from metagen.synthesis import synthesize

    guarded(lambda: check_seed(seed))
    loaded = guarded(lambda: load_spec(spec))
    show_warnings([w.located for w in loaded.warnings])
    rid = default_run_id() if run_id is None else run_id
    guarded(lambda: check_run_id(rid))
    target = guarded(lambda: synthesize(loaded, out_dir, rid, seed=seed, force=force))
    out.print(labelled("wrote", "green", str(target)))


def check_seed(seed: int | None) -> None:
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed {seed} is out of range; give a seed from 0 to {MAX_SEED}.")


def check_run_id(run_id: str) -> None:
    from metagen.spec.fields import NAME_PATTERN

    if not re.match(NAME_PATTERN, run_id) or ".." in run_id:
        raise UsageError(
            f"--run-id {run_id!r} is not a safe directory name. Use letters, digits, '-', '_' "
            "and '.', starting with a letter or digit."
        )


def main() -> None:
    from metagen import (  # noqa: F401  (they register their commands)
        data_cli,
        explain_cli,
        export_cli,
        import_cli,
        latency_cli,
        predict_cli,
        report_cli,
        search_cli,
        serve_cli,
        train_cli,
    )

    app()
