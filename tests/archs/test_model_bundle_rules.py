"""The bundling rules of docs/internals.md, checked on every model module: the shared blocks
in src/metagen/nn and each arch's runtime modules in src/metagen/archs/<arch>/.

Codegen concatenates these modules into one generated model.py, so each must have its imports
at the top on single lines, import other model modules only as `from metagen.nn.x import A, B`
or `from metagen.archs.<arch>.<module> import A, B`, define names no other module defines, and
do no work at import time.
"""

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "metagen"
# An arch folder's pure-Python planning modules, never bundled, and its Hugging Face weight
# mappings (hf_*.py: pure Python, read by `metagen import`, never bundled).
PLANNING_FILES = {"__init__.py", "counts.py", "shapes.py", "variants.py"}
MODULES = sorted(SRC.glob("nn/*.py")) + sorted(
    p
    for p in SRC.glob("archs/*/*.py")
    if p.name not in PLANNING_FILES and not p.name.startswith("hf_")
)
IDS = [str(p.relative_to(SRC)) for p in MODULES]
ALLOWED_ROOTS = {"torch", "numpy", "metagen"} | set(sys.stdlib_module_names)
DEFINITIONS = (ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def body_without_docstring(tree: ast.Module) -> list[ast.stmt]:
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]
    return body


def defined_names(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def imported_names(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """Bound name -> (module, attribute) for every non-metagen import."""
    bound = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
        elif isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("metagen"):
            for alias in node.names:
                bound[alias.asname or alias.name] = (node.module, alias.name)
    return bound


def test_there_are_modules_to_check():
    assert len(MODULES) >= 8


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_imports_are_at_the_top(path):
    body = body_without_docstring(parse(path))
    n_imports = 0
    while n_imports < len(body) and isinstance(body[n_imports], ast.Import | ast.ImportFrom):
        n_imports += 1
    for node in body[n_imports:]:
        for inner in ast.walk(node):
            assert not isinstance(inner, ast.Import | ast.ImportFrom), (
                f"{path.name}:{inner.lineno}: import below the top of the module"
            )


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_imports_only_runtime_packages_and_siblings_by_name(path):
    for node in parse(path).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                assert root in ALLOWED_ROOTS - {"metagen"}, f"{path.name}: import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}:{node.lineno}: relative import"
            module = node.module or ""
            assert module.split(".")[0] in ALLOWED_ROOTS, f"{path.name}: from {module}"
            if module.startswith("metagen"):
                sibling = SRC.joinpath(*module.split(".")[1:]).with_suffix(".py")
                assert sibling in MODULES, f"{path.name}: {module} is not a model module"
                defined = set(defined_names(parse(sibling)))
                for alias in node.names:
                    assert alias.asname is None, f"{path.name}: renames {alias.name}"
                    assert alias.name in defined, f"{path.name}: {module} lacks {alias.name}"


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_no_work_at_import_time(path):
    for node in body_without_docstring(parse(path)):
        allowed = (ast.Import, ast.ImportFrom, *DEFINITIONS)
        assert isinstance(node, allowed), f"{path.name}:{node.lineno}: top-level statement"
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            calls = [n for n in ast.walk(node.value) if isinstance(n, ast.Call)]
            assert not calls, f"{path.name}:{node.lineno}: call at import time"
    assert "__all__" not in defined_names(parse(path)), f"{path.name} defines __all__"
    assert "__main__" not in path.read_text(), f"{path.name} has a __main__ block"


def test_top_level_names_are_unique_across_modules():
    owner: dict[str, str] = {}
    imports: dict[str, tuple[tuple[str, str | None], str]] = {}
    for path in MODULES:
        tree = parse(path)
        for name in defined_names(tree):
            assert name not in owner, f"{name} is defined in {owner[name]} and {path.name}"
            owner[name] = path.name
        for name, target in imported_names(tree).items():
            if name in imports:
                assert imports[name][0] == target, f"{name} means two things ({path.name})"
            imports[name] = (target, path.name)
    shadowed = set(owner) & set(imports)
    assert not shadowed, f"definitions shadow imported names: {sorted(shadowed)}"
