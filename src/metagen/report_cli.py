"""`metagen report`, `metagen compare` and `metagen paper`: what a trained run measured, as
an HTML page, a comparison of runs, and a technical report. They read the run's files only."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import UsageError, app, err, fail, guarded, labelled

ScaleOption = Annotated[
    str | None, typer.Option(help="full or smoke (default: the scale trained last).")
]


def _record(run_dir: Path, scale: str | None):
    from metagen.report.run_record import read_run

    if scale is not None and scale not in ("full", "smoke"):
        raise UsageError(f"--scale {scale!r} is not a scale. Use full or smoke.")
    return read_run(run_dir, scale)


def _writable(path: Path, flag: str) -> None:
    if path.is_dir():
        raise UsageError(f"{flag} {path} is a folder; name the HTML file to write.")
    if not path.parent.is_dir():
        raise UsageError(f"{flag} {path}: no folder {path.parent}; create it first.")


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    scale: ScaleOption = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="The HTML file (default RUN/train/SCALE/report.html)."),
    ] = None,
) -> None:
    """Write one self-contained HTML report of a trained run: spec, plan and diagram, data,
    curves, held-out metrics beside the trivial baseline, plots, samples, machine. A run
    trained by its own train.py (no plots yet) gets its predictions and plots first."""
    from metagen.cli import show_warnings
    from metagen.report.html_report import write_report
    from metagen.report.plots import PLOTS_DIR
    from metagen.report.run_outputs import write_run_outputs

    record = guarded(lambda: _record(run_dir, scale))
    if out_file is not None:
        guarded(lambda: _writable(out_file, "--out"))
    if not (record.out / PLOTS_DIR).is_dir():
        err.print(f"{record.out} has no plots yet: collecting its predictions and drawing them")
        write_run_outputs(run_dir, record.scale, warn=lambda text: show_warnings([text]))
        record = guarded(lambda: _record(run_dir, record.scale))
    path = write_report(record, out_file)
    err.print(labelled("wrote", "green", str(path)))


@app.command()
def compare(
    run_dirs: Annotated[list[Path], typer.Argument(help="Two or more trained run directories.")],
    scale: ScaleOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Also write compare.md, loss.png and headline.png here."),
    ] = None,
) -> None:
    """Compare trained runs of one task: a table of their held-out metrics, and their curves
    overlaid (with --out)."""
    from rich.table import Table

    from metagen.cli import out
    from metagen.report.compare import (
        check_same_task,
        comparison_table,
        draw_overlays,
        markdown_table,
    )

    if len(run_dirs) < 2:
        fail("compare takes two runs or more; pass their directories.")
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        fail(f"--out {out_dir} is a file; pass a folder for compare.md and the curves.")
    records = guarded(lambda: [_record(d, scale) for d in run_dirs])
    task = guarded(lambda: check_same_task(records))
    header, rows = comparison_table(records)
    table = Table(title=f"{task}: held-out metrics")
    for name in header:
        table.add_column(name, justify="right" if name else "left")
    for row in rows:
        table.add_row(*row)
    out.print(table)
    if out_dir is not None:
        from metagen.report.run_outputs import PLOTS_EXTRA, has_matplotlib

        if not has_matplotlib():
            fail(f"--out draws curves with matplotlib; {PLOTS_EXTRA}.")
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "compare.md").write_text(markdown_table(header, rows), encoding="utf-8")
        draw_overlays(records, out_dir)
        err.print(labelled("wrote", "green", f"{out_dir}/compare.md, loss.png, headline.png"))


@app.command()
def paper(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    scale: ScaleOption = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the paper (default RUN/paper).")
    ] = None,
) -> None:
    """Write a technical report of a trained run: paper.md and paper.tex (and paper.pdf where
    pdflatex is installed), with abstract, method, setup, results and limitations; every
    number in it is copied from the run's files."""
    from metagen.report.paper_render import write_paper

    record = guarded(lambda: _record(run_dir, scale))
    target = out_dir or run_dir / "paper"

    def write() -> dict[str, Path]:
        try:
            target.mkdir(parents=True, exist_ok=True)
            return write_paper(record, target)
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as error:
            raise UsageError(f"cannot write the paper into {target}: {error}") from None

    written = guarded(write)
    for path in written.values():
        err.print(labelled("wrote", "green", str(path)))
    if "pdf" not in written:
        err.print(
            labelled(
                "note:", "yellow", "pdflatex is not installed: no PDF (the .tex compiles with it)."
            )
        )
