"""`metagen plan --measure`: build the planned model and time its batch-1 forward on this
machine's CPU, one thread, beside the plan's estimate for the same sample."""

from typing import Any

import torch

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.blueprint.counts import count_params
from metagen.blueprint.latency import forward_seconds
from metagen.blueprint.model import PlanError
from metagen.blueprint.sample import sample_of
from metagen.evaluate.latency import measure_latency

# Beyond this many parameters (4 GB in fp32) a plan is not built here only to be timed.
MEASURE_MAX_PARAMS = 10**9


class TooLargeToMeasure(PlanError):
    """A plan too large to build on this machine only to time it."""


def sample_inputs(arch: str, dims: dict[str, Any], seq_len: int | None) -> dict[str, torch.Tensor]:
    """The arch's example inputs at batch 1, their token axis (ids and masks) repeated or cut
    to `seq_len` (the plan's sample), so that the timed forward is the one the estimate
    describes."""
    inputs = example_inputs_for(arch, dims, batch_size=1)
    ids = inputs.get("input_ids")
    if seq_len is None or ids is None or ids.shape[1] == seq_len:
        return inputs
    length = ids.shape[1]
    repeats = -(-seq_len // length)
    return {
        name: tensor.repeat(1, repeats, *([1] * (tensor.dim() - 2)))[:, :seq_len]
        if tensor.dim() >= 2 and tensor.shape[1] == length and not tensor.is_floating_point()
        else tensor
        for name, tensor in inputs.items()
    }


def check_measurable(arch: str, dims: dict[str, Any]) -> None:
    params = sum(count_params(arch, dims).values())
    if params > MEASURE_MAX_PARAMS:
        raise TooLargeToMeasure(
            f"the planned model has {params:,} parameters, too many to build here only to time "
            f"it (at most {MEASURE_MAX_PARAMS:,}); measure the smoke scale with --scale smoke."
        )


def measure_forward(
    arch: str, dims: dict[str, Any], data: dict[str, Any], max_seconds: float = 5.0
) -> dict[str, Any]:
    """The median batch-1 forward time in ms on one CPU thread, after warm-up."""
    check_measurable(arch, dims)
    sample, text = sample_of(data, dims)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        model = build_from_dims(arch, dims).eval()
        inputs = sample_inputs(arch, dims, sample.get("seq_len"))
        timing = measure_latency(model, inputs, runs=30, warmup=5, max_seconds=max_seconds)
    finally:
        torch.set_num_threads(threads)
    return {"sample": text, "median_ms": timing["median"], "runs": timing["runs"], "threads": 1}


def estimate_forward_ms(
    arch: str, dims: dict[str, Any], data: dict[str, Any], device: Any
) -> float:
    sample, _ = sample_of(data, dims)
    return 1e3 * forward_seconds(arch, dims, sample, device)
