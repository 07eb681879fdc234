"""Bundle runtime code (nn/, archs/, data/, train/, evaluate/ and the task folders' modules)
into generated files.

The generated package ships the very source that the test suite runs: this module reads
those files as text (never importing torch) and keeps only the top-level definitions that
the package's scripts reach, from the names they import, through every name those
definitions mention. Imports between bundled modules are dropped (the names are defined
above), names from another generated file are imported from it, and the standard-library
and third-party imports that the kept code uses are hoisted. docs/internals.md lists the
rules that make this safe; tests check them.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

# The generated package's line length (templates/ruff.toml.j2): longer merged imports wrap.
IMPORT_LINE_LENGTH = 100
# Each bundled module opens with one comment line naming its source file, ruled to this width.
MODULE_RULE = 96
# Which generated file each runtime package lands in; the training loop has a file of its
# own, so that a reader of train.py finds the loop in a short module, top to bottom.
TARGET_FILE = {
    "nn": "model",
    "archs": "model",
    "data": "data",
    "train": "training",
    "evaluate": "training",
}
# A task folder's runtime modules land by the first word of their name: data*.py in data.py
# (tasks/diffusion/data_video.py too), loss*.py and evaluate*.py in training.py, and loop*.py
# (a task's own training loop, the row's `loop`) in loop.py. The folder's __init__.py,
# defaults.py and handler.py are planning code, never bundled.
TASK_MODULE_FILE = {"data": "data", "loss": "training", "evaluate": "training", "loop": "loop"}
OWN_FILE = {"metagen.train.loop": "loop"}
# The runtime packages whose modules land in each generated file.
TARGET_PACKAGES = {"model": ("nn",), "data": ("data",), "training": ("train", "evaluate")}


@dataclass(frozen=True)
class Definition:
    """One top-level statement of a runtime module, with the comments just above it."""

    names: frozenset[str]  # the top-level names it binds
    text: str
    uses: frozenset[str]  # every name it mentions


@dataclass(frozen=True)
class ModuleSource:
    name: str  # dotted, e.g. "metagen.nn.norm" or "metagen.archs.vit.model"
    definitions: tuple[Definition, ...]
    # binding -> its import line, for stdlib and third-party imports
    imports: tuple[tuple[str, str], ...]
    internal: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) from metagen

    def defining(self, name: str) -> Definition | None:
        return next((d for d in self.definitions if name in d.names), None)

    def internal_source(self, name: str) -> str | None:
        """The runtime module this module imports `name` from, if it does."""
        return next((m for m, names in self.internal if name in names), None)


def runtime_package(module: str) -> str:
    return module.split(".")[1]


def task_module_kind(module: str) -> str:
    """The first word of a task module's name: "data" for metagen.tasks.diffusion.data_video."""
    return module.rsplit(".", 1)[1].split("_")[0]


def target_file(module: str) -> str:
    """The generated file (without .py) that `module` lands in."""
    if module in OWN_FILE:
        return OWN_FILE[module]
    if runtime_package(module) == "tasks":
        return TASK_MODULE_FILE[task_module_kind(module)]
    return TARGET_FILE[runtime_package(module)]


def module_path(module: str):
    parts = module.split(".")
    return resources.files("metagen").joinpath(*parts[1:-1], parts[-1] + ".py")


def _bound_names(node: ast.stmt) -> frozenset[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return frozenset({node.name})
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return frozenset(
        n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)
    )


def _import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(binding, one import line for it) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        return [
            (
                a.asname or a.name.split(".")[0],
                f"import {a.name}" + (f" as {a.asname}" if a.asname else ""),
            )
            for a in node.names
        ]
    return [
        (
            a.asname or a.name,
            f"from {node.module} import {a.name}" + (f" as {a.asname}" if a.asname else ""),
        )
        for a in node.names
    ]


@cache
def read_module(module: str) -> ModuleSource:
    text = module_path(module).read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    definitions: list[Definition] = []
    imports: list[tuple[str, str]] = []
    internal: list[tuple[str, tuple[str, ...]]] = []
    previous_end = 0
    for i, node in enumerate(tree.body):
        end = node.end_lineno or node.lineno
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            pass  # the module docstring
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen."):
            internal.append((node.module or "", tuple(a.name for a in node.names)))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            if not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                imports.extend(_import_bindings(node))
        else:
            # with the blank lines and comments above it, as the module lays it out
            chunk = "\n".join(lines[previous_end:end])
            uses = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
            definitions.append(Definition(_bound_names(node), chunk, uses))
        previous_end = end
    return ModuleSource(module, tuple(definitions), tuple(imports), tuple(internal))


def reachable(entries: Iterable[tuple[str, str]]) -> dict[str, set[int]]:
    """module -> indices of its definitions reached from `entries` ((module, name) pairs)
    through every top-level name they mention."""
    kept: dict[str, set[int]] = {}
    work = list(entries)
    while work:
        module, name = work.pop()
        source = read_module(module)
        definition = source.defining(name)
        if definition is None:
            raise LookupError(f"{module} defines no top-level {name}")
        index = source.definitions.index(definition)
        if index in kept.setdefault(module, set()):
            continue
        kept[module].add(index)
        for used in definition.uses:
            if source.defining(used) is not None:
                work.append((module, used))
            elif (dep := source.internal_source(used)) is not None:
                work.append((dep, used))
    return kept


def _module_order(kept: dict[str, set[int]]) -> list[str]:
    """The kept modules, each after the runtime modules it imports from."""
    ordered: list[str] = []

    def visit(module: str) -> None:
        if module in ordered:
            return
        for dep, _ in read_module(module).internal:
            if dep in kept:
                visit(dep)
        ordered.append(module)

    for module in sorted(kept):
        visit(module)
    return ordered


def _is_stdlib(line: str) -> bool:
    root = line.split()[1].split(".")[0]
    return root in sys.stdlib_module_names


def sorted_imports(lines: set[str]) -> list[str]:
    """isort's order: `import x` lines, then `from x import ...` merged per module."""
    plain = sorted((ln for ln in lines if ln.startswith("import ")), key=str.lower)
    merged: dict[str, set[str]] = {}
    for line in lines:
        if line.startswith("from "):
            module, listed = line[5:].split(" import ", 1)
            merged.setdefault(module, set()).update(n.strip() for n in listed.split(","))
    froms = []
    for module, names in sorted(merged.items()):
        ordered = sorted(names, key=lambda n: (not n.isupper(), n))
        line = f"from {module} import {', '.join(ordered)}"
        if len(line) > IMPORT_LINE_LENGTH:  # isort wraps it: one name per line in parentheses
            line = f"from {module} import (\n" + "".join(f"    {n},\n" for n in ordered) + ")"
        froms.append(line)
    return plain + froms


def _import_block(kept: dict[str, set[int]], target: str, extra: tuple[str, ...]) -> str:
    """The imports the kept code of `target` uses: stdlib, third-party, other generated files."""
    lines: set[str] = set(extra)
    cross: set[str] = set()
    for module, indices in kept.items():
        if target_file(module) != target:
            continue
        source = read_module(module)
        uses = set().union(*(source.definitions[i].uses for i in indices))
        lines.update(line for binding, line in source.imports if binding in uses)
        for dep, names in source.internal:
            if target_file(dep) != target:
                cross.update(f"from {target_file(dep)} import {n}" for n in names if n in uses)
    groups = [
        sorted_imports({line for line in lines if _is_stdlib(line)}),
        sorted_imports({line for line in lines if not _is_stdlib(line)}),
        sorted_imports(cross),
    ]
    return "\n\n".join("\n".join(g) for g in groups if g)


def bundle(
    kept: dict[str, set[int]], target: str, header: str, extra_imports: tuple[str, ...] = ()
) -> str:
    """The text of generated file `target`: header docstring, imports, then the kept
    definitions of its modules, module by module. `extra_imports` are lines the glue after
    the bundle needs."""
    imports = _import_block(kept, target, extra_imports)
    sections = []
    for module in _module_order(kept):
        if target_file(module) != target:
            continue
        definitions = read_module(module).definitions
        body = "\n".join(definitions[i].text for i in sorted(kept[module])).strip("\n")
        path = module.replace(".", "/") + ".py"
        sections.append(f"# {path} {'-' * (MODULE_RULE - len(path))}\n{body}")
    # isort's rule: two blank lines after the imports before a def or class, else one
    first = next((line for line in "\n".join(sections).splitlines() if line[:1] != "#"), "")
    gap = "\n\n\n" if first.startswith(("def ", "class ", "@", "async ")) else "\n\n"
    head = f'"""{header}"""\n\nfrom __future__ import annotations\n\n{imports}{gap}'
    return head + "\n\n\n".join(sections) + "\n"


def package_modules(package: str) -> list[str]:
    """Every runtime module of `package`, sorted by name."""
    folder = resources.files("metagen").joinpath(package)
    names = sorted(
        p.name[:-3] for p in folder.iterdir() if p.name.endswith(".py") and p.name != "__init__.py"
    )
    return [f"metagen.{package}.{n}" for n in names]


@cache
def task_modules() -> tuple[str, ...]:
    """Every runtime module of the task folders (tasks/<task>/data*.py, loss*.py, evaluate*.py),
    sorted by name."""
    found: list[str] = []
    folders = resources.files("metagen").joinpath("tasks").iterdir()
    for folder in sorted(folders, key=lambda f: f.name):
        if folder.is_dir():
            names = sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".py"))
            modules = [f"metagen.tasks.{folder.name}.{name}" for name in names]
            found += [m for m in modules if task_module_kind(m) in TASK_MODULE_FILE]
    return tuple(found)


_TOP_LEVEL_NAME = re.compile(r"^(?:class|def)\s+(\w+)|^([A-Za-z_]\w*)\s*[:=]", re.MULTILINE)


@cache
def _defined_names(module: str) -> frozenset[str]:
    """Top-level classes, functions and assigned names of `module`, read from its text (a
    scan of every runtime module costs milliseconds; parsing them all would not)."""
    text = module_path(module).read_text(encoding="utf-8")
    return frozenset(a or b for a, b in _TOP_LEVEL_NAME.findall(text))


def defining_module(target: str, name: str) -> str:
    """The runtime module, landing in generated file `target`, that defines `name`."""
    candidates = [m for m, t in OWN_FILE.items() if t == target]
    for package in TARGET_PACKAGES.get(target, ()):
        candidates += [m for m in package_modules(package) if m not in OWN_FILE]
    candidates += [m for m in task_modules() if target_file(m) == target]
    for module in candidates:
        if name in _defined_names(module):
            return module
    raise LookupError(f"no runtime module bundled into {target}.py defines {name}")
