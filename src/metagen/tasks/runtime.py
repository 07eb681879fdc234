"""The library's way to a runtime task's parts by name: it imports the functions that
tasks/registry.py names (a generated package gets them bundled and named in its scripts).
Imports torch; planning never imports this module."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from metagen.tasks.registry import datasets_ref, runtime_task, split_ref, tasks


def resolve(ref: str) -> Callable:
    """The function that `"module:function"` names."""
    module, name = split_ref(ref)
    return getattr(importlib.import_module(module), name)


class _Parts(Mapping[str, Callable]):
    """A read-only task -> function view of one column of the registry."""

    def __init__(self, column: str) -> None:
        self.column = column

    def __getitem__(self, task: str) -> Callable:
        if task not in tasks():
            raise KeyError(task)
        return resolve(getattr(tasks()[task], self.column))

    def __iter__(self) -> Iterator[str]:
        return iter(tasks())

    def __len__(self) -> int:
        return len(tasks())


LOSSES: Mapping[str, Callable] = _Parts("loss")
EVALUATORS: Mapping[str, Callable] = _Parts("evaluator")


def dataset_builder(task: str, data_cfg: dict) -> Callable:
    """The data builder of `task` for data_cfg's input kind (the task's first kind if unset)."""
    row = runtime_task(task)
    kind = data_cfg.get("kind") or next(iter(row.datasets))
    return resolve(datasets_ref(row, kind))


def build_datasets(task: str, data_cfg: dict, source: str = "synthetic", seed: int = 0):
    """(train, val, info) for `task`; `source` is "synthetic" or a file/folder path."""
    from metagen.data.datasets import build_datasets as build_with

    return build_with(dataset_builder(task, data_cfg), data_cfg, source, seed)


def evaluate_model(model, task: str, dataset, *, batch_size: int, max_batches=None) -> dict:
    from metagen.evaluate.evaluation import evaluate_model as evaluate_with

    evaluator = resolve(runtime_task(task).evaluator)
    return evaluate_with(model, evaluator, dataset, batch_size=batch_size, max_batches=max_batches)


def train_model(model, *, task: str, **options: Any) -> dict:
    """train/loop.py's train_model with `task`'s loss and evaluator, judged by its headline
    metric, and staged where the config has stages."""
    from metagen.train.loop import train_model as train_with
    from metagen.train.stages import Staging

    row = runtime_task(task)
    stages = options["cfg"].get("stages")
    options.setdefault("staging", Staging(stages) if stages else None)
    metric, _, higher_is_better = row.headline
    options.setdefault("monitor", (metric, higher_is_better))  # what judges each evaluation
    return train_with(
        model, task=task, loss_fn=resolve(row.loss), evaluator=resolve(row.evaluator), **options
    )


def compare_with_baseline(task: str, results: dict) -> dict:
    """The task's headline metric beside its trivial baseline's, from its evaluator's results."""
    from metagen.evaluate.baselines import compare_with_baseline as compare

    return compare(results, *runtime_task(task).headline)
