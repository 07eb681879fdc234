"""`metagen data`: write a generated dataset to disk (datagen/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import app, check_seed, fail, guarded, out

data_app = typer.Typer(no_args_is_help=True, help="Write a generated dataset to a folder.")
app.add_typer(data_app, name="data")


@data_app.command("image-to-code")
def image_to_code(
    out_dir: Annotated[Path, typer.Option("--out", help="A new folder to write.")],
    n: Annotated[int, typer.Option("--n", help="Pairs in all, over train, val and test.")] = 1000,
    seed: Annotated[int, typer.Option(help="The same seed writes the same files.")] = 0,
    kinds: Annotated[
        str, typer.Option(help="Comma-separated kinds: ui, flowchart, chart, code.")
    ] = "ui,flowchart,chart,code",
) -> None:
    """Image/code pairs, each image rendered from its code, split by held-out templates."""
    from metagen.datagen.image_to_code.pairs import write_pairs

    guarded(lambda: check_seed(seed))
    if n < 3:
        fail(f"--n {n} is too few for train, val and test splits; use 3 or more.")
    chosen = tuple(k.strip() for k in kinds.split(",") if k.strip())
    if not chosen:
        fail("--kinds names no kind; give one or more of ui, flowchart, chart, code.")
    try:
        sizes = write_pairs(out_dir, n, seed, chosen)
    except (ValueError, FileExistsError, OSError, RuntimeError) as error:
        fail(f"{error}.")
    out.print(
        f"wrote {out_dir}: " + ", ".join(f"{count} {split}" for split, count in sizes.items())
    )
