"""The Hugging Face weight mappings (archs/<arch>/hf_*.py) import without torch, as planning
code does, and each offers config_from_hf and state_dict_from_hf."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
MAPPINGS = sorted((SRC / "metagen" / "archs").glob("*/hf_*.py"))
IDS = [f"{p.parent.name}/{p.name}" for p in MAPPINGS]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def test_there_are_mappings():
    assert len(MAPPINGS) >= 1


def test_mappings_import_without_torch():
    imports = "; ".join(f"import {module_name(p)}" for p in MAPPINGS)
    check = "import sys; assert 'torch' not in sys.modules, 'torch imported'"
    done = subprocess.run(
        [sys.executable, "-c", f"{imports}; {check}"],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path", MAPPINGS, ids=IDS)
def test_mapping_offers_config_and_state_dict_functions(path):
    functions = {
        node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)
    }
    assert {"config_from_hf", "state_dict_from_hf"} <= functions
