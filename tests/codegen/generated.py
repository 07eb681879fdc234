"""Synthesize a spec into a temporary run directory and import its generated modules."""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from pathlib import Path

from metagen.spec import load_spec
from metagen.synthesis import synthesize

GENERATED_MODULES = ("model", "data", "training", "loop", "evaluate", "train", "infer", "export")


def synth_run(spec_path: Path, out: Path, run_id: str = "run") -> Path:
    return synthesize(load_spec(spec_path), out, run_id)


@contextmanager
def generated_package(code_dir: Path):
    """Import the generated package's modules by their plain names, then forget them."""
    for name in GENERATED_MODULES:
        sys.modules.pop(name, None)
    sys.path.insert(0, str(code_dir))
    try:
        yield importlib.import_module("model")
    finally:
        sys.path.remove(str(code_dir))
        for name in GENERATED_MODULES:
            sys.modules.pop(name, None)
