"""Bundle runtime modules (nn/, data/, train/, evaluate/) into one generated file.

The generated package ships the very source that the test suite runs: this module reads
those files as text (never importing torch), drops the imports between bundled modules,
rewrites imports of modules that land in another generated file, and hoists the rest.
docs/internals.md lists the rules that make this safe; tests check them.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources

# The generated package's line length (templates/ruff.toml.j2): longer merged imports wrap.
IMPORT_LINE_LENGTH = 100
# Which generated file each runtime package lands in.
TARGET_FILE = {"nn": "model", "data": "data", "train": "training", "evaluate": "training"}


@dataclass(frozen=True)
class ModuleSource:
    name: str  # dotted, e.g. "metagen.nn.norm"
    body: str  # the source without docstring and imports
    imports: tuple[str, ...]  # third-party/stdlib import lines
    internal: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) from metagen


def runtime_package(module: str) -> str:
    return module.split(".")[1]


def module_path(module: str):
    parts = module.split(".")
    return resources.files("metagen").joinpath(*parts[1:-1], parts[-1] + ".py")


@cache
def _parsed(module: str) -> tuple[str, ast.Module]:
    text = module_path(module).read_text(encoding="utf-8")
    return text, ast.parse(text)


@cache
def read_module(module: str) -> ModuleSource:
    text, tree = _parsed(module)
    lines = text.splitlines()
    drop: set[int] = set()
    imports: list[str] = []
    internal: list[tuple[str, tuple[str, ...]]] = []
    for i, node in enumerate(tree.body):
        is_docstring = (
            i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        if not (is_docstring or isinstance(node, ast.Import | ast.ImportFrom)):
            continue
        drop.update(range(node.lineno - 1, node.end_lineno or node.lineno))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen."):
            internal.append((node.module or "", tuple(a.name for a in node.names)))
        elif not is_docstring:
            imports.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
    body = "\n".join(line for n, line in enumerate(lines) if n not in drop).strip("\n")
    return ModuleSource(module, body, tuple(imports), tuple(internal))


def closure(modules: list[str], target: str) -> list[ModuleSource]:
    """`modules` and every same-target module they import, dependencies first."""
    ordered: dict[str, ModuleSource] = {}

    def visit(name: str) -> None:
        if name in ordered:
            return
        source = read_module(name)
        for dep, _ in source.internal:
            if TARGET_FILE[runtime_package(dep)] == target:
                visit(dep)
        ordered[name] = source

    for module in modules:
        visit(module)
    return list(ordered.values())


def _is_stdlib(line: str) -> bool:
    root = line.split()[1].split(".")[0]
    return root in sys.stdlib_module_names


def _sorted_section(lines: set[str]) -> list[str]:
    """isort's order: `import x` lines, then `from x import ...` merged per module."""
    plain = sorted((ln for ln in lines if ln.startswith("import ")), key=str.lower)
    merged: dict[str, set[str]] = {}
    for line in lines:
        if line.startswith("from "):
            module, names = line[5:].split(" import ", 1)
            merged.setdefault(module, set()).update(n.strip() for n in names.split(","))
    froms = []
    for module, names in sorted(merged.items()):
        ordered = sorted(names, key=lambda n: (not n.isupper(), n))
        line = f"from {module} import {', '.join(ordered)}"
        if len(line) > IMPORT_LINE_LENGTH:  # isort wraps it: one name per line in parentheses
            line = f"from {module} import (\n" + "".join(f"    {n},\n" for n in ordered) + ")"
        froms.append(line)
    return plain + froms


def _import_block(sources: list[ModuleSource], target: str, extra: tuple[str, ...]) -> str:
    lines = {line for s in sources for line in s.imports if "__future__" not in line}
    lines.update(extra)
    cross: set[str] = set()
    for s in sources:
        for dep, names in s.internal:
            dep_target = TARGET_FILE[runtime_package(dep)]
            if dep_target != target:
                cross.add(f"from {dep_target} import {', '.join(names)}")
    groups = [
        _sorted_section({line for line in lines if _is_stdlib(line)}),
        _sorted_section({line for line in lines if not _is_stdlib(line)}),
        _sorted_section(cross),
    ]
    return "\n\n".join("\n".join(g) for g in groups if g)


def bundle(
    modules: list[str], target: str, header: str, extra_imports: tuple[str, ...] = ()
) -> str:
    """The text of one generated file: header docstring, imports, then each module's body.
    `extra_imports` are lines the glue after the bundle needs."""
    sources = closure(modules, target)
    imports = _import_block(sources, target, extra_imports)
    sections = []
    for source in sources:
        path = source.name.replace(".", "/") + ".py"
        sections.append(f"# {'-' * 70}\n# {path}\n\n{source.body}")
    head = f'"""{header}"""\n\nfrom __future__ import annotations\n\n{imports}\n\n'
    return head + "\n\n\n".join(sections) + "\n"


def package_modules(package: str) -> list[str]:
    """Every runtime module of `package`, sorted by name."""
    folder = resources.files("metagen").joinpath(package)
    names = sorted(
        p.name[:-3] for p in folder.iterdir() if p.name.endswith(".py") and p.name != "__init__.py"
    )
    return [f"metagen.{package}.{n}" for n in names]


def defining_module(package: str, name: str) -> str:
    """The runtime module of `package` that defines the top-level `name`."""
    for module in package_modules(package):
        for node in _parsed(module)[1].body:
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
                return module
    raise LookupError(f"no module in metagen.{package} defines {name}")
