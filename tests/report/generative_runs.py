"""A fresh smoke model of an example spec with its first held-out batch, for the tests of the
generative tasks' plots: the collector and an independent recount read the same batch."""

from __future__ import annotations

import json
from pathlib import Path

import torch
import yaml
from tests.paths import EXAMPLES

from metagen.archs.build import build_from_dims
from metagen.codegen.package import config_json
from metagen.planning import make_blueprint
from metagen.spec import load_spec
from metagen.tasks.runtime import build_datasets

CPU = torch.device("cpu")


def fresh_model_and_batch(spec: Path, seed: int = 0):
    """(model in eval mode, the first held-out batch, data info, held-out dataset, task)."""
    bp = make_blueprint(load_spec(spec))
    config = json.loads(config_json(bp))
    scale = config["scales"]["smoke"]
    _, val, info = build_datasets(bp.task, scale["data"], "synthetic", seed)
    dims = dict(scale["model"])
    dims.update({k: v for k, v in info.get("fit_dims", {}).items() if k in dims})
    torch.manual_seed(seed)
    model = build_from_dims(config["arch"], dims).eval()
    loader = torch.utils.data.DataLoader(
        val, batch_size=scale["train"]["batch_size"], collate_fn=getattr(val, "collate", None)
    )
    return model, next(iter(loader)), info, val, bp.task


def ctc_speech_spec(folder: Path) -> Path:
    """The speech recognizer example trained with CTC (no example spec is): a
    speech_recognition_ctc run."""
    spec = yaml.safe_load((EXAMPLES / "audio" / "speech_recognizer.yaml").read_text("utf-8"))
    spec["training"] = {**spec.get("training", {}), "objective": ["ctc"]}
    path = folder / "speech_recognizer_ctc.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path
