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

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from metagen.folder_registry import folder_rows

if TYPE_CHECKING:
    from metagen.blueprint.catalog import Variant
    from metagen.blueprint.cost import Cost
    from metagen.blueprint.shape_builds import Shape

Dims = dict[str, Any]
# Config fields that change no parameter count, beside the floats: a plan's dims may leave
# them out and the config's default holds (MetaGen's own designs keep the exact GELU).
PARAMETER_FREE_FIELDS = ("activation",)


@dataclass(frozen=True)
class Arch:
    name: str  # the folder's name, the plan's `arch` and config.json's
    model: str  # the model class in model.py
    config: str  # its config dataclass in model.py
    # parameters a spec without a budget gets: a small, common size for this arch
    default_budget: int
    # counts.py defines layers(dims) -> {layer path: params}, flops(dims, seq_len) -> int and
    # costs(dims, seq_len) -> {component: Cost} (blueprint/cost.py);
    # shapes.py defines grid(fixed_dims, budget) -> Shapes and smoke_dims(dims) -> dims
    has_variants: bool = False  # variants.py defines VARIANTS, a tuple of Variant
    # the model's top-level modules that spec training.stages may train or freeze by name
    stage_parts: tuple[str, ...] = ()
    # the spec inputs a training stage may leave out (its `inputs`), each with the forward's
    # keyword that then goes unpassed, as (input, keyword) pairs: a VLM's language model can
    # learn the text alone
    stage_optional_inputs: tuple[tuple[str, str], ...] = ()

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

    def costs(self, dims: Dims, seq_len: int | None = None) -> dict[str, Cost]:
        return self._part("counts", "costs")(dims, seq_len)

    def grid(self, fixed: Dims, budget: int) -> Iterator[Shape]:
        return self._part("shapes", "grid")(fixed, budget)

    def smoke_dims(self, dims: Dims) -> Dims:
        return self._part("shapes", "smoke_dims")(dims)

    def variants(self) -> tuple[Variant, ...]:
        return self._part("variants", "VARIANTS") if self.has_variants else ()

    def config_fields(self) -> tuple[str, ...]:
        """The fields of the config dataclass, bases first, read from model.py's source (no
        torch): the dims a plan gives this arch."""
        return tuple(name for name, _ in dataclass_fields(self.model_module, self.config))

    def config_defaults(self) -> dict[str, Any]:
        """The config dataclass's literal defaults, read from model.py's source (no torch)."""
        return dataclass_defaults(self.model_module, self.config)

    def structural_fields(self) -> tuple[str, ...]:
        """The fields that shape the model, which its counts read: all but the floats (rates,
        epsilons and the like change no parameter count), PARAMETER_FREE_FIELDS, and the
        optional ones (`X | None`, default None: an option that dims planned without it leave
        off)."""
        fields = dataclass_fields(self.model_module, self.config)
        return tuple(
            name
            for name, annotation in fields
            if annotation != "float"
            and name not in PARAMETER_FREE_FIELDS
            and not annotation.endswith("| None")
        )


@cache
def _module_tree(module: str) -> ast.Module:
    parts = module.split(".")
    path = resources.files(parts[0]).joinpath(*parts[1:-1], parts[-1] + ".py")
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def _dataclass_items(module: str, name: str) -> tuple[tuple[str, str, ast.expr | None], ...]:
    """(field, annotation, default expression or None) of class `name` in `module`, with those
    of the bases it inherits (defined there or imported from another metagen module) first."""
    tree = _module_tree(module)
    imported = {
        alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen.")
        for alias in node.names
    }
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            items: list[tuple[str, str, ast.expr | None]] = []
            for base in node.bases:
                if isinstance(base, ast.Name) and base.id in imported:
                    items += _dataclass_items(imported[base.id] or "", base.id)
                elif isinstance(base, ast.Name):
                    items += _dataclass_items(module, base.id)
            items += [
                (item.target.id, ast.unparse(item.annotation), item.value)
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            ]
            return tuple({field: (field, kind, value) for field, kind, value in items}.values())
    raise LookupError(f"{module} defines no class {name}")


def dataclass_fields(module: str, name: str) -> tuple[tuple[str, str], ...]:
    """(field, annotation) of class `name` in `module`, bases' fields first."""
    return tuple((field, kind) for field, kind, _ in _dataclass_items(module, name))


def dataclass_defaults(module: str, name: str) -> dict[str, Any]:
    """The defaults of class `name`'s fields written as literals, `field(default_factory=lambda:
    <literal>)` included; fields without one (or with a computed one) are left out."""
    defaults = {}
    for field, _, value in _dataclass_items(module, name):
        if isinstance(value, ast.Call) and value.keywords:
            factory = next((k.value for k in value.keywords if k.arg == "default_factory"), None)
            value = factory.body if isinstance(factory, ast.Lambda) else None
        if value is None:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            continue
        # a tuple default is a list in a plan and config.json, as YAML and JSON write it
        defaults[field] = list(default) if isinstance(default, tuple) else default
    return defaults


@cache
def archs() -> dict[str, Arch]:
    """Every arch, by name: each folder under archs/ with a row in its __init__.py."""
    return folder_rows(__package__, "ARCH")


def arch(name: str) -> Arch:
    if name not in archs():
        raise ValueError(f"unknown arch {name!r}; known: {sorted(archs())}")
    return archs()[name]
