"""Batch-1 inference latency, estimated per component as a roofline with a launch cost:

    time = max(FLOPs / (peak * compute efficiency), bytes / (bandwidth * memory efficiency))
           + kernels * kernel overhead

FLOPs, kernels and activations come from the arch's costs (blueprint/cost.py); bytes are the
weights the component reads plus its activations written and read once more, in the
device's inference precision. A component that computes no FLOP (an embedding table, a norm)
reads only as many weights as it writes: a lookup reads its rows, not the table. Pure
Python, an estimate: `metagen plan --measure` times the real thing beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metagen.blueprint.cost import Cost
from metagen.blueprint.counts import count_costs, count_kv_cache_bytes, count_params
from metagen.blueprint.devices import Device


@dataclass(frozen=True)
class ComponentTime:
    name: str
    flops: int
    bytes: int
    kernels: int
    compute_s: float
    memory_s: float
    overhead_s: float

    @property
    def seconds(self) -> float:
        return max(self.compute_s, self.memory_s) + self.overhead_s

    @property
    def bound(self) -> str:
        """What dominates this component's time."""
        work = max(self.compute_s, self.memory_s)
        if self.overhead_s > work:
            return "launch"
        return "compute" if self.compute_s >= self.memory_s else "memory"


def component_time(name: str, cost: Cost, params: int, device: Device) -> ComponentTime:
    weights = params if cost.flops else min(params, cost.activations)
    moved = (weights + 2 * cost.activations) * device.bytes_per_element
    return ComponentTime(
        name=name,
        flops=cost.flops,
        bytes=moved,
        kernels=cost.kernels,
        compute_s=cost.flops / device.effective_flops,
        memory_s=moved / device.effective_bandwidth,
        overhead_s=cost.kernels * device.kernel_overhead,
    )


def forward_times(
    arch: str, dims: dict[str, Any], sample: dict[str, Any], device: Device
) -> list[ComponentTime]:
    """Each component's estimated time for one batch-1 forward on `sample` (count_flops's
    keyword arguments: seq_len, image_size)."""
    costs = count_costs(arch, dims, **sample)
    params = count_params(arch, dims)
    return [component_time(name, cost, params.get(name, 0), device) for name, cost in costs.items()]


def forward_seconds(
    arch: str, dims: dict[str, Any], sample: dict[str, Any], device: Device
) -> float:
    return sum(t.seconds for t in forward_times(arch, dims, sample, device))


def decode_step_seconds(arch: str, dims: dict[str, Any], context: int, device: Device) -> float:
    """One generated token with `context` positions cached. Each component whose cost grows
    with the tokens runs all its kernels and reads all its weights for the one token's FLOPs
    and activations (its cost at two tokens less its cost at one); a component that does not
    grow (an image or prompt encoder) ran once, before. Attention then reads the cache: its
    keys and values over `context` positions, and their FLOPs."""
    one = count_costs(arch, dims, seq_len=1)
    two = count_costs(arch, dims, seq_len=2)
    params = count_params(arch, dims)
    seconds = 0.0
    for name, first in one.items():
        second = two.get(name, first)
        if second == first:
            continue
        step = Cost(
            second.flops - first.flops, first.kernels, second.activations - first.activations
        )
        seconds += component_time(name, step, params.get(name, 0), device).seconds
    cache_bytes = count_kv_cache_bytes(dims, context, device.bytes_per_element)
    attention_flops = 4 * context * dims["d_model"] * dims["n_layers"]
    cache_s = max(
        cache_bytes / device.effective_bandwidth, attention_flops / device.effective_flops
    )
    return seconds + cache_s
