"""A run directory whose checkpoint a package's infer.py can load, made quickly: the example
synthesized, its built-in smoke data written where only the library writes it, and train.py
run for one step. What a prediction test needs is a loadable model, not a good one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from metagen.spec import load_spec
from metagen.synthesis import synthesize
from metagen.train_cli import built_in_data, train_command

SCALE = "smoke"


def briefly_trained(spec: Path, parent: Path, steps: int = 1) -> Path:
    """`spec` synthesized into `parent` and smoke-trained for `steps` steps (a step per stage
    at least, where the spec trains in stages)."""
    loaded = load_spec(spec)
    steps = max(steps, len(loaded.training.stages or ()))
    run = synthesize(loaded, parent, spec.stem)
    command = train_command(run, SCALE, steps, built_in_data(run, SCALE, None), None, False, False)
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return run


def run_infer(run: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """The run's infer.py on its smoke checkpoint with `args` (inputs and options), as a
    user runs it."""
    command = [sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
               str(run / "train" / SCALE), *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def jsonl_rows(path: Path) -> list[dict]:
    """The rows of a predictions.jsonl."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
