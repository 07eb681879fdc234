"""One row per architecture, and the registry that finds them: one folder each under archs/.

An arch's folder holds everything about it:
- `model.py`: its config dataclass and model class (torch; bundled into packages);
- `counts.py`: exact parameters per component and forward FLOPs from dims (pure Python);
- `shapes.py`: the solver's grid of standard shapes, and the smoke-scale dims (pure Python);
- `variants.py`, where it has them: named, number-only presets with published counts;
- `__init__.py`: its row, `ARCH = Arch(...)`.

Planning reads counts and shapes, which never import torch. The model and config classes
are named by string: codegen reads their source, the library imports them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metagen.blueprint.catalog import Variant
    from metagen.blueprint.shapes import Shape

Dims = dict[str, Any]


@dataclass(frozen=True)
class Arch:
    name: str  # the folder's name, the plan's `arch` and config.json's
    model: str  # the model class in model.py
    config: str  # its config dataclass in model.py
    # parameters a spec without a budget gets: a small, common size for this arch
    default_budget: int
    # counts.py defines layers(dims) -> {component: params} and flops(dims, seq_len) -> int;
    # shapes.py defines grid(fixed_dims, budget) -> Shapes and smoke_dims(dims) -> dims
    has_variants: bool = False  # variants.py defines VARIANTS, a tuple of Variant

    @property
    def package(self) -> str:
        return f"{__package__}.{self.name}"

    @property
    def model_module(self) -> str:
        return f"{self.package}.model"

    def _part(self, module: str, name: str) -> Any:
        return getattr(importlib.import_module(f"{self.package}.{module}"), name)

    def layers(self, dims: Dims) -> dict[str, int]:
        return self._part("counts", "layers")(dims)

    def flops(self, dims: Dims, seq_len: int | None = None) -> int:
        return self._part("counts", "flops")(dims, seq_len)

    def grid(self, fixed: Dims, budget: int) -> Iterator[Shape]:
        return self._part("shapes", "grid")(fixed, budget)

    def smoke_dims(self, dims: Dims) -> Dims:
        return self._part("shapes", "smoke_dims")(dims)

    def variants(self) -> tuple[Variant, ...]:
        return self._part("variants", "VARIANTS") if self.has_variants else ()


@cache
def archs() -> dict[str, Arch]:
    """Every arch, by name: each folder under archs/ with a row in its __init__.py."""
    folder = resources.files(__package__)
    found: dict[str, Arch] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and entry.joinpath("__init__.py").is_file():
            row = importlib.import_module(f"{__package__}.{entry.name}").ARCH
            if row.name != entry.name:
                raise LookupError(f"archs/{entry.name}/ registers {row.name!r}: use one name")
            found[row.name] = row
    return found


def arch(name: str) -> Arch:
    if name not in archs():
        raise ValueError(f"unknown arch {name!r}; known: {sorted(archs())}")
    return archs()[name]
