"""What an exported model reads, written beside it as preprocessing.json: the inputs' names,
shapes at batch 1 and the axes that grow with the batch, and the data settings that make them
(picture size and channels, pixel normalisation, text length and tokenizer)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from metagen.data.image_folder import PAD_LEVEL
from metagen.data.pixels import PIXEL_MEAN, PIXEL_STD

DATA_KEYS = ("kind", "image_size", "channels", "seq_len", "context_length", "sample_rate",
             "n_mels", "num_frames", "tokenizer", "vocab_size", "num_features", "chunks")  # fmt: skip

# How a picture is made image_size square, by the data config's `resize` (data/image_folder.py
# fit_picture); a data config without one stretches.
PICTURE_FITS = {
    "pad": "resized (bilinear) so that its longer side is image_size, keeping its aspect "
    f"ratio, and centred on an image_size square of gray {PAD_LEVEL} (of 255)",
    "stretch": "resized (bilinear) to image_size square, each side on its own",
}


def batch_axes(arch: str, dims: dict) -> dict[str, list[int]]:
    """Per input, the axes that grow with the batch, seen between example batches of 2 and 3:
    the leading one, or a graph's nodes and edges (a batch of graphs is their disjoint union)."""
    from metagen.archs.build import example_inputs_for

    two, three = example_inputs_for(arch, dims, 2), example_inputs_for(arch, dims, 3)
    return {
        name: [axis for axis, (a, b) in enumerate(zip(x.shape, three[name].shape, strict=True)) if a != b]
        for name, x in two.items()
    }  # fmt: skip


def write_preprocessing(folder: Path, arch: str, dims: dict, data_cfg: dict[str, Any]) -> Path:
    from metagen.archs.build import example_inputs_for

    inputs = example_inputs_for(arch, dims, 1)
    growing = batch_axes(arch, dims)
    record: dict[str, Any] = {
        "inputs": {
            name: {
                "shape": list(t.shape),
                "dtype": str(t.dtype).removeprefix("torch."),
                "batch_axes": growing[name],
            }
            for name, t in inputs.items()
        },  # fmt: skip
        "data": {k: data_cfg[k] for k in DATA_KEYS if data_cfg.get(k) is not None},
    }
    pictures = any(t.dim() >= 4 and t.is_floating_point() for t in inputs.values())
    if not pictures:  # a data config names a picture size by default, read or not
        for key in ("image_size", "channels"):
            record["data"].pop(key, None)
    else:
        fit = PICTURE_FITS[data_cfg.get("resize") or "stretch"]
        record["pixels"] = (f"RGB (or gray, channels 1) {fit}, scaled to [0, 1], then "
                            f"(x - {PIXEL_MEAN}) / {PIXEL_STD}")  # fmt: skip
    tokenizer = data_cfg.get("tokenizer_file")
    if tokenizer:
        shutil.copyfile(tokenizer, folder / "tokenizer.json")
        record["tokenizer_file"] = "tokenizer.json"
    elif record["data"].get("kind") == "text" or "seq_len" in record["data"]:
        record["tokenizer"] = "bytes: bos, the text's UTF-8 bytes, eos, then padding"
    path = folder / "preprocessing.json"
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path
