"""The tensor shapes that flow between a planned model's components, traced by running the
model once on one example: on the meta device (no memory, any size), or, where the model does
what meta tensors cannot (a data-dependent .item() or nonzero), for real when it is small.
Imports torch: only `metagen plan --diagram` and `metagen train` call it."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from metagen.archs.build import build_from_dims, example_inputs_for

REAL_RUN_MAX_PARAMS = 50_000_000  # built for real only below this (a few hundred MB)


def shape_text(value: Any) -> str | None:
    """ "1×64×32×32" for the first tensor in `value` (a tensor, tuple, list or dict)."""
    if isinstance(value, torch.Tensor):
        return "×".join(str(size) for size in value.shape) or "scalar"
    items = value.values() if isinstance(value, dict) else value
    if isinstance(items, list | tuple) or isinstance(value, dict):
        for item in items:
            found = shape_text(item)
            if found is not None:
                return found
    return None


def traced_shapes(arch: str, dims: dict, components: list[str], params_total: int) -> dict:
    """{"inputs": {name: shape}, "outputs": {component: shape}} of one example (batch 1), or
    {"inputs": ..., "outputs": {}, "not_traced": why} where no run could trace it."""
    inputs = example_inputs_for(arch, dims, 1)
    traced: dict[str, Any] = {"inputs": {k: shape_text(v) for k, v in inputs.items()}}
    try:
        traced["outputs"] = _run(arch, dims, components, inputs, torch.device("meta"))
        return traced
    except (NotImplementedError, RuntimeError) as error:
        why = f"a meta-device run cannot ({type(error).__name__})"
    if params_total > REAL_RUN_MAX_PARAMS:
        return {**traced, "outputs": {}, "not_traced": f"{why}, and the model is too large to run"}
    traced["outputs"] = _run(arch, dims, components, inputs, torch.device("cpu"))
    return traced


def _run(arch: str, dims: dict, components: list[str], inputs: dict, device) -> dict:
    with device:
        model = build_from_dims(arch, dims)
    model.eval()
    modules = dict(model.named_modules())
    outputs: dict[str, str] = {}
    handles = []
    for name in components:
        module = modules.get(name)
        if isinstance(module, nn.ModuleList | nn.ModuleDict) and len(module):
            module = list(module.values() if isinstance(module, nn.ModuleDict) else module)[-1]
        if module is None:
            continue

        def record(_module, _args, output, name=name):
            outputs.setdefault(name, shape_text(output))  # a component run twice: its first

        handles.append(module.register_forward_hook(record))
    placed = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in inputs.items()}
    try:
        with torch.no_grad():
            model(**placed)
    finally:
        for handle in handles:
            handle.remove()
    return {name: shape for name, shape in outputs.items() if shape is not None}
