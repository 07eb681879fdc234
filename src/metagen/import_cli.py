"""`metagen import`: a published checkpoint becomes a run directory (checkpoint_import/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import app, check_run_id, default_run_id, guarded, labelled, out


@app.command("import")
def import_command(
    path: Annotated[
        Path, typer.Argument(help="A Hugging Face checkpoint folder (config.json and weights).")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Parent folder of run directories.")
    ] = Path("runs"),
    run_id: Annotated[
        str | None, typer.Option(help="Run directory name (default: NAME-UTC time).")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The spec's name (default: the checkpoint's folder name).")
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option(help="For a single timm ViT file: its size (vit_b_16, ...)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing run directory.")] = False,
) -> None:
    """Write a run directory from a checkpoint: its spec (the checkpoint's dims), the
    generated package, and weights/ with the tensors under the package's names."""
    from metagen.checkpoint_import.run import default_name, import_checkpoint

    spec_name = name or default_name(path)
    rid = f"{spec_name}-{default_run_id()}" if run_id is None else run_id
    guarded(lambda: check_run_id(rid))
    target = guarded(
        lambda: import_checkpoint(path, out_dir, rid, name=spec_name, variant=variant, force=force)
    )
    out.print(labelled("wrote", "green", str(target)))
