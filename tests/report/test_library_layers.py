"""The library-only shared packages (collectors, plots and reports, export, search) import
shared code and the task registry, never one task's folder: a task's own code stays in its
folder, reached through its registry row."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "metagen"
SHARED_LIBRARY = ("predictions", "report", "search", "export")
ALLOWED = ("metagen.tasks.registry", "metagen.tasks.runtime")


def _modules() -> list[Path]:
    return sorted(p for folder in SHARED_LIBRARY for p in (SRC / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_a_shared_library_module_imports_no_task_folder(path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if name.startswith("metagen.tasks."):
                assert name in ALLOWED, f"{path.name} imports {name}"


def test_there_are_modules_to_check() -> None:
    assert len(_modules()) >= 30
