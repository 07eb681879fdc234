"""The dims an arch's counts require, read from its config dataclass in the model's source.

The config classes live in the torch runtime (`archs/<arch>/model.py`, base classes in
`nn/`), so they are parsed with `ast`, never imported: `metagen plan` runs without torch.
Each module is parsed once.
"""

from __future__ import annotations

import ast
from functools import cache
from importlib import resources

from metagen.archs.registry import arch as arch_row

# Rates and epsilons (dropout, norm_eps, rope_theta) change values, never a count's shape.
UNCOUNTED_ANNOTATIONS = frozenset({"float"})


@cache
def _module_tree(module: str) -> ast.Module:
    """The parsed source of a dotted metagen module, read as text."""
    parts = module.split(".")
    path = resources.files("metagen").joinpath(*parts[1:-1], parts[-1] + ".py")
    return ast.parse(path.read_text(encoding="utf-8"))


def _home(module: str, name: str) -> str:
    """The module that defines `name` as seen from `module`: the one it imports it from."""
    for node in _module_tree(module).body:
        if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
            return node.module or module
    return module


def _class_fields(module: str, name: str) -> dict[str, str]:
    """field -> annotation of a dataclass, its bases' fields first (as dataclasses order them)."""
    for node in _module_tree(module).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            fields: dict[str, str] = {}
            for base in node.bases:
                base_name = ast.unparse(base)
                fields.update(_class_fields(_home(module, base_name), base_name))
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    fields[statement.target.id] = ast.unparse(statement.annotation)
            return fields
    raise LookupError(f"{module} defines no class {name}")


@cache
def config_fields(arch: str) -> dict[str, str]:
    """field -> annotation of `arch`'s config dataclass, in the dataclass's order."""
    row = arch_row(arch)
    return _class_fields(row.model_module, row.config)


@cache
def required_dims(arch: str) -> tuple[str, ...]:
    """The config fields that shape `arch`'s parameters or FLOPs (all but the floats)."""
    fields = config_fields(arch).items()
    return tuple(name for name, kind in fields if kind not in UNCOUNTED_ANNOTATIONS)
