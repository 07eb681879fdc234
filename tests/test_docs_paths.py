"""Every file the docs name exists, so a reader can open what is cited.

A backticked path that starts with `src/`, `tests/` or `examples/` is read from the repository
root; one that starts with a package of `src/metagen/` (`nn/`, `data/`, ...) and names a file
is read from `src/metagen/`, as docs/internals.md says. Placeholders (`<arch>`, `*`) are not
paths, and other folders (`code/`, `runs/r1/`) belong to generated runs, not to the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.paths import REPO

PACKAGE = REPO / "src" / "metagen"
PACKAGES = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
ROOTS = {"src", "tests", "examples"}
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
CITED = re.compile(r"`([^`\s]+/[^`\s]*)`")
PLACEHOLDER = re.compile(r"[<>*|$~{}]")


def _cited_paths(doc: Path) -> list[tuple[str, Path]]:
    cited = []
    for text in CITED.findall(doc.read_text(encoding="utf-8")):
        top = text.split("/")[0]
        if PLACEHOLDER.search(text):
            continue
        if top in ROOTS:
            cited.append((text, REPO / text))
        elif top in PACKAGES and Path(text).suffix:
            cited.append((text, PACKAGE / text))
    return cited


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_path_the_doc_names_exists(doc):
    cited = _cited_paths(doc)
    missing = [text for text, path in cited if not path.exists()]
    assert not missing, f"{doc.relative_to(REPO)} names paths that do not exist: {missing}"


def test_the_docs_name_paths_to_check():
    # Guards the pattern: a change that matched nothing would pass the test above vacuously.
    internals = {text for text, _ in _cited_paths(REPO / "docs" / "internals.md")}
    assert {"tests/archs/test_model_bundle_rules.py", "codegen/bundle.py"} <= internals
