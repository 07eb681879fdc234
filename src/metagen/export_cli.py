"""`metagen export RUN --format onnx|torchscript`: the trained model with a free batch axis,
checked against PyTorch at batches 1 and 7, and preprocessing.json beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import UsageError, app, err, fail, guarded, labelled, require_script

FORMATS = ("onnx", "torchscript")


@app.command()
def export(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    format: Annotated[str, typer.Option("--format", help="onnx or torchscript.")] = "onnx",
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the last trained).")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the model (default RUN/export).")
    ] = None,
) -> None:
    """Export a trained run's model: ONNX by its own export.py (checked in onnxruntime), or
    TorchScript (traced, loaded back and checked), each against PyTorch at batches 1 and 7;
    preprocessing.json says what it reads."""
    from metagen.report.run_record import trained_scale

    if format not in FORMATS:
        fail(f"--format {format!r}: use onnx or torchscript.")
    require_script(run_dir, "export.py")

    used = guarded(lambda: trained_scale(run_dir, scale))
    folder = out_dir or run_dir / "export"
    if folder.exists() and not folder.is_dir():
        fail(f"--out {folder} is a file; pass a folder for the model and preprocessing.json.")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if format == "onnx":
            target = folder / "model.onnx"
            command = [sys.executable, str(run_dir / "code" / "export.py"), "--checkpoint",
                       str((run_dir / "train" / used).resolve()), "--output", str(target.resolve())]  # fmt: skip
            returncode = subprocess.run(command).returncode
            if returncode != 0:
                raise typer.Exit(returncode)
        else:
            target = folder / "model.pt"
            guarded(lambda: _torchscript(run_dir, used, target))
    finally:
        if created and not any(folder.iterdir()):  # a failed export leaves nothing behind
            folder.rmdir()
    guarded(lambda: _preprocessing(run_dir, used, folder))
    err.print(labelled("wrote", "green", f"{target} and {folder / 'preprocessing.json'}"))


def _torchscript(run_dir: Path, scale: str, target: Path) -> None:
    from metagen.export.torchscript import export_torchscript
    from metagen.report.predictions import load_trained, trained_setup

    model, metrics, _ = load_trained(run_dir, scale)
    arch = trained_setup(run_dir, scale)[0]
    try:
        differences = export_torchscript(model, arch, metrics["model_dims"], target)
    except Exception as error:  # noqa: BLE001  (tracing fails in many ways; each is said)
        first = (str(error).strip().splitlines() or [repr(error)])[0]
        raise UsageError(f"{target} not written: the model does not export to TorchScript "
                         f"with a free batch axis ({first}). Export it to ONNX instead.") from None  # fmt: skip
    shown = ", ".join(f"{case} {value:.3g}" for case, value in differences.items())
    err.print(f"max |TorchScript - PyTorch|: {shown}")


def _preprocessing(run_dir: Path, scale: str, folder: Path) -> None:
    from metagen.export.preprocessing import write_preprocessing
    from metagen.report.predictions import trained_setup

    arch, metrics, data_cfg = trained_setup(run_dir, scale)  # no model to build for this
    write_preprocessing(folder, arch, metrics["model_dims"], data_cfg)
