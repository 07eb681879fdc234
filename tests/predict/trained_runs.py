"""A run directory whose checkpoint a package's infer.py can load, made quickly: the example
synthesized, its built-in smoke data written where only the library writes it, and train.py
run for one step. What a prediction test needs is a loadable model, not a good one."""

from __future__ import annotations

import subprocess
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
