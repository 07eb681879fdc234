"""What the counts read from the models' own source: each arch's config fields (the dims its
counts require), its literal constants and its pure helpers, so that none is written twice.

The models live in the torch runtime (`archs/<arch>/model.py`, base classes in `nn/`), so
their source is parsed with `ast`, never imported: `metagen plan` runs without torch. Each
module is parsed once.
"""

from __future__ import annotations
import __future__

import ast
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from metagen.archs.registry import arch as arch_row

# Rates and epsilons (dropout, norm_eps, rope_theta) change values, never a count.
UNCOUNTED_ANNOTATIONS = frozenset({"float"})
ANNOTATIONS = __future__.annotations.compiler_flag  # a helper's annotations stay strings


@cache
def _module_tree(module: str) -> ast.Module:
    """The parsed source of a dotted metagen module, read as text."""
    parts = module.split(".")
    path = resources.files("metagen").joinpath(*parts[1:-1], parts[-1] + ".py")
    return ast.parse(path.read_text(encoding="utf-8"), filename=module)


def _home(module: str, name: str) -> str:
    """The module that defines `name` as seen from `module`: the one it imports it from."""
    for node in _module_tree(module).body:
        if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
            return node.module or module
    return module


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.ClassDef | ast.FunctionDef):
        return node.name == name
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(t, ast.Name) and t.id == name for t in targets)
    return False


def _definition(module: str, name: str) -> ast.stmt:
    """The top-level statement of `module` that binds `name`."""
    for node in _module_tree(module).body:
        if _binds(node, name):
            return node
    raise LookupError(f"{module} defines no top-level {name}")


def _class_fields(module: str, name: str) -> dict[str, str]:
    """field -> annotation of a dataclass, its bases' fields first (as dataclasses order them)."""
    node = _definition(module, name)
    if not isinstance(node, ast.ClassDef):
        raise LookupError(f"{module}.{name} is not a class")
    fields: dict[str, str] = {}
    for base in node.bases:
        base_name = ast.unparse(base)
        fields.update(_class_fields(_home(module, base_name), base_name))
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields[statement.target.id] = ast.unparse(statement.annotation)
    return fields


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


@cache
def model_constant(arch: str, name: str) -> Any:
    """A literal constant of `arch`'s model.py (a number, or tuples and dicts of them)."""
    node = _definition(arch_row(arch).model_module, name)
    if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
        raise LookupError(f"{arch}'s model.py assigns no value to {name}")
    return ast.literal_eval(node.value)


@cache
def model_function(arch: str, name: str) -> Callable[..., Any]:
    """A pure, self-contained helper of `arch`'s model.py (arithmetic on its arguments),
    compiled alone from its source so that the counts and the model share one formula."""
    module = arch_row(arch).model_module
    node = _definition(module, name)
    if not isinstance(node, ast.FunctionDef):
        raise LookupError(f"{module}.{name} is not a function")
    code = compile(ast.Module(body=[node], type_ignores=[]), module, "exec", flags=ANNOTATIONS)
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace[name]
