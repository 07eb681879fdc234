"""Build an arch's model from its dims: the library's way in (it imports torch).

Generated packages build theirs from the bundled classes; the tests and `metagen train`
build the same classes here, found through the arch's registry row.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

import torch
from torch import nn

from metagen.archs.registry import arch as arch_row


def model_classes(arch: str) -> tuple[type, type[nn.Module]]:
    """(config dataclass, model class) of `arch`, from its model.py."""
    row = arch_row(arch)
    module = importlib.import_module(row.model_module)
    return getattr(module, row.config), getattr(module, row.model)


def config_from_dims(arch: str, dims: dict[str, Any]) -> Any:
    """The config dataclass of `arch`, filled from dims (exactly its fields; defaults for the rest)."""
    config_cls = model_classes(arch)[0]
    fields = {f.name for f in dataclasses.fields(config_cls)}
    unknown = sorted(set(dims) - fields)
    if unknown:
        raise ValueError(f"unknown {arch} dims {unknown}; accepted: {sorted(fields)}")
    return config_cls(**dims)


def build_from_dims(arch: str, dims: dict[str, Any]) -> nn.Module:
    """Build the model of `arch` from its dims; use `with torch.device("meta"):` to skip memory."""
    config = config_from_dims(arch, dims)
    return model_classes(arch)[1](config)


def example_inputs_for(arch: str, dims: dict[str, Any], batch_size: int) -> dict[str, torch.Tensor]:
    """Deterministic keyword inputs for the model's forward (seed 0, on the CPU)."""
    generator = torch.Generator().manual_seed(0)
    return config_from_dims(arch, dims).example_inputs(batch_size, generator)
