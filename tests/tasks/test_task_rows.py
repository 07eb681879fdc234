"""Every field of every runtime-task row resolves: each named function exists with the
signature its caller uses, and codegen can bundle it from source."""

from __future__ import annotations

import inspect

import pytest

from metagen.codegen.bundle import reachable
from metagen.tasks.registry import split_ref, tasks
from metagen.tasks.runtime import resolve

ROWS = sorted(tasks().values(), key=lambda row: row.name)
# the parameters each part's caller passes, in order (train/loop.py, evaluate/evaluation.py,
# data/datasets.py)
CALLED_WITH = {
    "datasets": ["cfg", "source", "seed"],
    "loss": ["outputs", "batch"],
    "evaluator": ["model", "batches", "device"],
}


def _parts(row):
    yield from (("datasets", ref) for ref in row.datasets.values())
    yield "loss", row.loss
    yield "evaluator", row.evaluator


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_part_resolves_with_the_signature_its_caller_uses(row) -> None:
    assert row.datasets, f"{row.name} reads no input kind"
    for column, ref in _parts(row):
        function = resolve(ref)
        assert callable(function), ref
        parameters = list(inspect.signature(function).parameters)
        assert parameters[: len(CALLED_WITH[column])] == CALLED_WITH[column], (ref, parameters)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_part_can_be_bundled_from_source(row) -> None:
    for _, ref in _parts(row):
        kept = reachable([split_ref(ref)])
        assert split_ref(ref)[0] in kept


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_headline_compares_two_different_metrics(row) -> None:
    metric, baseline, higher_is_better = row.headline
    assert metric != baseline and isinstance(higher_is_better, bool)
