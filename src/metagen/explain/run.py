"""`metagen explain`'s work: a trained run's model and preprocessing, its explainer run over
the pictures in batches, and per picture and map an overlay PNG and the raw map (.npy)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from metagen.data.image_folder import load_image
from metagen.data.pixels import normalize_pixels
from metagen.explain.explainers import EXPLAINERS, Settings
from metagen.explain.overlay import colormap, write_overlay
from metagen.report.predictions import load_trained, trained_setup

BATCH = 16
INDEX_FILE = "explain.jsonl"  # a row per map written: picture, method, files, what it is of


def check_explainable(run_dir: Path, scale: str, text: str | None) -> str:
    """The run's arch, once it is one that explain supports (and takes --text only for CLIP)."""
    arch, _, _ = trained_setup(run_dir, scale)
    if arch not in EXPLAINERS:
        raise ValueError(
            f"{run_dir} is a {arch} run; explain supports {', '.join(sorted(EXPLAINERS))}"
        )
    if text is not None and arch != "clip":
        raise ValueError(f"--text compares patches with a text in CLIP runs only, not {arch}")
    return arch


def _file_stems(pictures: list[Path]) -> list[str]:
    """Each picture's name without suffix, numbered where two pictures share one."""
    seen: dict[str, int] = {}
    stems = []
    for picture in pictures:
        seen[picture.stem] = seen.get(picture.stem, 0) + 1
        count = seen[picture.stem]
        stems.append(picture.stem if count == 1 else f"{picture.stem}-{count}")
    return stems


def explain_run(
    run_dir: Path, scale: str, pictures: list[Path], out_dir: Path, text: str | None = None
) -> list[dict]:
    """Write `out_dir`/<picture>_<method>.png and .npy for every picture, and INDEX_FILE;
    returns its rows. Every picture is read before anything is written."""
    arch = check_explainable(run_dir, scale, text)
    colormap()  # matplotlib missing: say so before the model loads
    model, metrics, data_cfg = load_trained(run_dir, scale)
    info_path = run_dir / "train" / scale / "data_info.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    size, channels = int(data_cfg["image_size"]), int(data_cfg["channels"])
    resize = data_cfg.get("resize") or "stretch"  # as the run read its pictures
    pixels = np.stack([load_image(p, size, channels, resize) for p in pictures])  # (N, H, W, C)
    settings = Settings(info.get("class_names"), data_cfg.get("seq_len"), text)
    out_dir.mkdir(parents=True, exist_ok=True)
    stems, rows = _file_stems(pictures), []
    for start in range(0, len(pictures), BATCH):
        batch = torch.from_numpy(pixels[start : start + BATCH]).permute(0, 3, 1, 2)
        images = normalize_pixels(batch.float() / 255.0)  # (B, C, H, W) as the run trained
        with torch.no_grad():
            found = EXPLAINERS[arch](model, images, settings)
        for maps in found:
            for i, (heat, note) in enumerate(
                zip(maps.maps.float().numpy(), maps.notes, strict=True)
            ):
                picture, stem = pictures[start + i], stems[start + i]
                raw = out_dir / f"{stem}_{maps.method}.npy"
                np.save(raw, heat.astype(np.float32))
                overlay = write_overlay(picture, heat, out_dir / f"{stem}_{maps.method}.png",
                                        size if resize == "pad" else None)  # fmt: skip
                rows.append({"picture": str(picture), "method": maps.method, "note": note,
                             "overlay": overlay.name, "map": raw.name})  # fmt: skip
    lines = "".join(json.dumps(row) + "\n" for row in rows)
    (out_dir / INDEX_FILE).write_text(lines, encoding="utf-8")
    return rows
