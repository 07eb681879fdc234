"""Held-out evaluation: a task's evaluator over the dataset's batches in order."""

from collections.abc import Callable

import torch
from torch.utils.data import DataLoader


def _evaluation_batches(dataset, batch_size: int, max_batches: int | None):
    # Its own generator, so evaluating never draws from the global RNG that training uses.
    loader = DataLoader(dataset, batch_size=batch_size, generator=torch.Generator())
    for index, batch in enumerate(loader):
        if max_batches is not None and index >= max_batches:
            return
        yield batch


def evaluate_model(
    model: torch.nn.Module,
    evaluator: Callable,
    dataset,
    *,
    batch_size: int,
    max_batches: int | None = None,
) -> dict:
    """`evaluator`'s metrics of `model` on `dataset` in order (the first `max_batches`
    batches if given), without gradients and without touching the global RNG."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            batches = _evaluation_batches(dataset, batch_size, max_batches)
            return evaluator(model, batches, device)
    finally:
        model.train(was_training)
