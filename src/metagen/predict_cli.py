"""`metagen predict RUN INPUT... --out FILE`: a trained image classifier's labels, with their
probabilities, for files, folders, globs, or a CSV or JSONL naming pictures, in batches.
Other tasks are not built here yet: their package's infer.py predicts one input at a time."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer

from metagen.cli import UsageError, app, err, fail, guarded, labelled
from metagen.picture_inputs import pictures_of

BATCH = 64
TOP = 5


def check_image_classifier(run_dir: Path, scale: str) -> None:
    """A ValueError unless the run is an image classifier (all this command is built for)."""
    from metagen.report.predictions import trained_setup

    _, metrics, data_cfg = trained_setup(run_dir, scale)
    kind = data_cfg.get("kind")
    if metrics["task"] != "classification" or kind != "image":
        raise ValueError(f"metagen predict is built for image classifiers so far; {run_dir} is "
                         f"a {metrics['task']} model of {kind} input: use its code/infer.py")  # fmt: skip


def predict_pictures(run_dir: Path, scale: str, pictures: list[Path]) -> list[dict]:
    """Each picture's most probable class, its probability, and the top classes'."""
    import numpy as np
    import torch

    from metagen.data.image_folder import load_image
    from metagen.data.pixels import normalize_pixels
    from metagen.report.predictions import load_trained

    check_image_classifier(run_dir, scale)
    model, metrics, data_cfg = load_trained(run_dir, scale)
    info = json.loads((run_dir / "train" / scale / "data_info.json").read_text(encoding="utf-8"))
    names = info.get("class_names") or [str(k) for k in range(metrics["model_dims"]["num_classes"])]
    size, channels = int(data_cfg["image_size"]), int(data_cfg["channels"])
    rows = []
    for start in range(0, len(pictures), BATCH):
        chunk = pictures[start : start + BATCH]
        pixels = np.stack([load_image(p, size, channels) for p in chunk])  # (B, H, W, C)
        images = normalize_pixels(torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0)
        with torch.no_grad():
            probabilities = model(images=images).float().softmax(-1)
        for path, row in zip(chunk, probabilities, strict=True):
            top = row.topk(min(TOP, row.numel()))
            rows.append({
                "input": str(path), "label": names[int(top.indices[0])],
                "probability": float(top.values[0]),
                "top": {names[int(i)]: float(v) for v, i in zip(top.values, top.indices, strict=True)},
            })  # fmt: skip
    return rows


def write_predictions(rows: list[dict], out: Path) -> None:
    """JSONL (a row per input), or CSV (input, label, probability), written whole."""
    tmp = out.with_name(out.name + ".tmp")
    if out.suffix == ".csv":
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["input", "label", "probability"])
            writer.writerows([r["input"], r["label"], f"{r['probability']:.6f}"] for r in rows)
    else:
        tmp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(out)


@app.command()
def predict(
    run_dir: Annotated[Path, typer.Argument(help="A trained run directory.")],
    inputs: Annotated[
        list[str], typer.Argument(help="Pictures: files, folders, globs, a CSV or JSONL.")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="predictions.jsonl or .csv")] = Path(
        "predictions.jsonl"
    ),
    scale: Annotated[
        str | None, typer.Option(help="full or smoke (default: the last trained).")
    ] = None,
) -> None:
    """Predict with a trained image classifier: a label and its probability (and the top 5)
    per picture, into JSONL or CSV."""
    from metagen.report.run_record import trained_scale

    if out_file.suffix not in (".jsonl", ".csv"):
        fail(f"--out {out_file}: name a .jsonl or .csv file.")
    if not out_file.parent.is_dir():
        fail(f"--out {out_file}: no folder {out_file.parent}; create it first.")

    def run() -> int:
        chosen = trained_scale(run_dir, scale)
        try:
            check_image_classifier(run_dir, chosen)
            rows = predict_pictures(run_dir, chosen, pictures_of(inputs))
        except (ValueError, OSError) as error:
            raise UsageError(str(error)) from None
        write_predictions(rows, out_file)
        return len(rows)

    count = guarded(run)
    err.print(labelled("wrote", "green", f"{out_file} ({count} predictions)"))
