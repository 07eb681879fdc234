"""`metagen explain RUN INPUT... --out DIR`: where a trained image model looks, per picture an
overlay PNG and the raw map (.npy): attention rollout (ViT, hybrid ViT, CLIP's image tower),
the VLM's attention from its caption to the patches, Grad-CAM (ResNet), and with --text each
patch's similarity to a text (CLIP)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import UsageError, app, err, fail, guarded, labelled
from metagen.picture_inputs import pictures_of


@app.command()
def explain(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    inputs: Annotated[
        list[str], typer.Argument(help="Pictures: files, folders, globs, or a CSV/JSONL list.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="The folder for the maps.")] = Path(
        "explain"
    ),
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the last trained).")
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="CLIP: also map each patch's similarity to this text.")
    ] = None,
) -> None:
    """Attention rollout (vit, hybrid_vit, clip), caption-to-patch attention (vlm) or Grad-CAM
    (resnet) of each picture: <picture>_<method>.png over the picture, .npy raw, explain.jsonl."""
    from metagen.report.run_record import trained_scale

    if out_dir.exists() and not out_dir.is_dir():
        fail(f"--out {out_dir} is a file; name a folder for the maps.")
    chosen = guarded(lambda: trained_scale(run_dir, scale))

    def run() -> list[dict]:
        from metagen.explain.run import explain_run

        try:
            return explain_run(run_dir, chosen, pictures_of(inputs), out_dir, text)
        except (ValueError, OSError) as error:
            raise UsageError(f"cannot explain: {error}") from None

    rows = guarded(run)
    methods = ", ".join(sorted({row["method"] for row in rows}))
    pictures = len({row["picture"] for row in rows})
    err.print(labelled("wrote", "green", f"{out_dir}: {len(rows)} overlays ({methods}) of "
                       f"{pictures} pictures, with their .npy maps and explain.jsonl"))  # fmt: skip
