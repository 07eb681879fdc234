"""What a trained run predicts on its held-out data, collected once after training for the
plots and the report: the task's `predictions` collector (tasks/registry.py) over the run's
own held-out split, saved as RUN/train/<scale>/predictions/{predictions.npz,predictions.json}.

The model, the data and the collector are the library's, the same code the generated package
bundles; the package itself never runs this (it needs no matplotlib and no report)."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from metagen.tasks.registry import runtime_task

PREDICTIONS_DIR = "predictions"
ARRAYS_FILE = "predictions.npz"
VALUES_FILE = "predictions.json"


def trained_setup(run_dir: Path, scale: str) -> tuple[str, dict, dict]:
    """(arch, metrics.json, the data config it read with) of `run_dir`'s `scale` run, the
    data config naming the tokenizer.json the run saved where it read text with one, and
    the picture resize its data_info.json records."""
    from metagen.data.text_tokenizer import saved_tokenizer_file

    out = run_dir / "train" / scale
    metrics = _read_json(out / "metrics.json")
    config = _read_json(run_dir / "code" / "config.json")
    data_cfg = dict(config["scales"][metrics["scale"]]["data"])
    info_path = out / "data_info.json"
    tokenizer = saved_tokenizer_file(out) if info_path.is_file() else None
    if tokenizer is not None:
        data_cfg["tokenizer_file"] = tokenizer
    if info_path.is_file():  # how the run made pictures square, where it chose ("pad")
        data_cfg.setdefault("resize", _read_json(info_path).get("resize"))
    return config["arch"], metrics, data_cfg


def load_trained(run_dir: Path, scale: str):
    """(model in eval mode, metrics.json, the data config it read with) of `run_dir`'s
    `scale` run: built from the dims its metrics recorded, with its latest weights."""
    from metagen.archs.build import build_from_dims
    from metagen.train.checkpoint import load_checkpoint

    arch, metrics, data_cfg = trained_setup(run_dir, scale)
    model = build_from_dims(arch, metrics["model_dims"])
    load_checkpoint(run_dir / "train" / scale / "checkpoints", model=model, restore_rng=False)
    return model.eval(), metrics, data_cfg


def collect_predictions(run_dir: Path, scale: str, max_batches: int | None = None) -> dict | None:
    """The task's collector run on `run_dir`'s trained model and held-out split, or None
    where the task has no collector (its plots are its curves alone). `max_batches` defaults
    to the batches the run evaluated on."""
    metrics = _read_json(run_dir / "train" / scale / "metrics.json")
    if runtime_task(metrics["task"]).predictions is None:
        return None
    model, metrics, data_cfg = load_trained(run_dir, scale)
    train_cfg = metrics["train_config"]
    limit = train_cfg["eval_batches"] if max_batches is None else max_batches
    collected = predict_held_out(
        model, metrics["task"], data_cfg, metrics["data_source"], metrics["seed"],
        batch_size=train_cfg["batch_size"], max_batches=limit,
    )  # fmt: skip
    return {**collected, "scale": metrics["scale"]}


def predict_held_out(
    model, task: str, data_cfg: dict, source: str, seed: int, *, batch_size: int, max_batches: int
) -> dict:
    """`task`'s collector over the first `max_batches` held-out batches (all: 0 or less) of
    the data `data_cfg` and `source` name, in order, without gradients, on the CPU."""
    import torch

    from metagen.tasks.runtime import build_datasets, resolve

    row = runtime_task(task)
    if row.predictions is None:
        raise ValueError(f"the {task} task collects no predictions")
    _, val_ds, info = build_datasets(task, data_cfg, source, seed)
    loader = torch.utils.data.DataLoader(
        val_ds,
        batch_size=batch_size,
        generator=torch.Generator(),
        collate_fn=getattr(val_ds, "collate", None),
    )
    batches = itertools.islice(loader, max_batches if max_batches > 0 else None)
    model = model.cpu().eval()
    with torch.no_grad():
        collected = resolve(row.predictions)(model, batches, torch.device("cpu"), info)
    return {"task": task, **collected}


def save_predictions(predictions: dict[str, Any], folder: Path) -> Path:
    """Arrays into predictions.npz, everything else into predictions.json, written whole into
    a temporary folder that then replaces `folder`."""
    arrays = {k: _array(v) for k, v in predictions.items() if _is_array(v)}
    values = {k: v for k, v in predictions.items() if k not in arrays}
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.savez_compressed(tmp / ARRAYS_FILE, **arrays)  # type: ignore[arg-type]
    (tmp / VALUES_FILE).write_text(json.dumps(values, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.replace(folder)
    return folder


def load_predictions(folder: Path) -> dict[str, Any]:
    """What save_predictions wrote: the JSON values and the arrays in one dict (no pickles)."""
    values = _read_json(folder / VALUES_FILE)
    with np.load(folder / ARRAYS_FILE, allow_pickle=False) as arrays:
        values.update({key: arrays[key] for key in arrays.files})
    return values


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or type(value).__name__ == "Tensor"


def _array(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    return value.detach().cpu().float().numpy() if value.is_floating_point() else value.numpy()


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
