"""Held-out predictions of a smoke-scale model built fresh from an example spec, in this
process and without training: what the plots draw, fast enough to check every task."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import torch
from tests.paths import EXAMPLE_SPECS

from metagen.archs.build import build_from_dims
from metagen.codegen.package import config_json
from metagen.planning import make_blueprint, plan_dict
from metagen.report.predictions import predict_held_out
from metagen.spec import load_spec
from metagen.tasks.registry import runtime_task
from metagen.tasks.runtime import build_datasets, resolve

WRITTEN_PAIRS = 80  # image to code's pairs, written for a task only the library can write


@cache
def example_of_each_task() -> dict[str, Path]:
    """task -> the example spec of that task whose smoke model is smallest."""
    smallest: dict[str, tuple[int, Path]] = {}
    for spec in EXAMPLE_SPECS:
        plan = plan_dict(make_blueprint(load_spec(spec)))
        size, task = plan["smoke"]["params_total"], plan["task"]
        if task not in smallest or size < smallest[task][0]:
            smallest[task] = (size, spec)
    return {task: spec for task, (_, spec) in sorted(smallest.items())}


def smoke_predictions(spec: Path, data_dir: Path, max_batches: int = 1, seed: int = 0) -> dict:
    """The task collector's predictions of a fresh smoke model of `spec` on the smoke scale's
    built-in held-out data (written into `data_dir` for a task only the library can write)."""
    bp = make_blueprint(load_spec(spec))
    config = json.loads(config_json(bp))
    scale = config["scales"]["smoke"]
    source = "synthetic"
    writer = runtime_task(bp.task).writes_synthetic
    if writer is not None:  # a few pairs are held-out batches enough, and quick to write
        scale["data"] = {**scale["data"], "num_pairs": WRITTEN_PAIRS}
        resolve(writer)(data_dir, scale["data"], seed)
        source = str(data_dir)
    # the model follows its data's dims (train.py's fit_head_to_data): a graph's features
    _, _, info = build_datasets(bp.task, scale["data"], source, seed)
    data_dims = {"num_classes": info.get("num_classes"), **info.get("fit_dims", {})}
    fitted = {k: v for k, v in data_dims.items() if k in scale["model"] and v}
    torch.manual_seed(seed)
    model = build_from_dims(config["arch"], {**scale["model"], **fitted})
    return predict_held_out(
        model, bp.task, scale["data"], source, seed,
        batch_size=scale["train"]["batch_size"], max_batches=max_batches,
    )  # fmt: skip


def smoke_model_and_batches(task: str, batches: int = 3, batch_size: int = 8):
    """A fresh smoke model of `task`'s smallest example, the first held-out batches of its
    synthetic data, and the data's info."""
    config = json.loads(config_json(make_blueprint(load_spec(example_of_each_task()[task]))))
    scale = config["scales"]["smoke"]
    torch.manual_seed(0)
    model = build_from_dims(config["arch"], scale["model"]).eval()
    _, held_out, info = build_datasets(task, scale["data"], "synthetic", 0)
    loader = torch.utils.data.DataLoader(
        held_out, batch_size=batch_size, collate_fn=getattr(held_out, "collate", None)
    )
    return model, [batch for _, batch in zip(range(batches), loader, strict=False)], info
