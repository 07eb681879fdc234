"""Held-out evaluation: a task's evaluator over the dataset's batches in order."""

import itertools
from collections.abc import Callable

import torch
from torch.utils.data import DataLoader


def evaluate_model(model, evaluator: Callable, dataset, *, batch_size: int, max_batches=None):
    """`evaluator`'s metrics of `model` on `dataset` in order (the first `max_batches`
    batches if given), without gradients and without touching the global RNG."""
    # Its own generator, so evaluating never draws from the global RNG that training uses.
    loader = DataLoader(
        dataset,
        batch_size=batch_size,
        generator=torch.Generator(),
        collate_fn=getattr(dataset, "collate", None),  # graphs batch as a disjoint union
    )
    batches = itertools.islice(loader, max_batches)  # max_batches None: all of them
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return evaluator(model, batches, next(model.parameters()).device)
    finally:
        model.train(was_training)
