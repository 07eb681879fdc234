"""A briefly trained example and what its package's infer.py predicts, or refuses: shared by
the prediction tests of the agents' and the graph tasks' folders."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained, run_infer


def trained(example: str, parent: Path) -> Path:
    """The run of `example` (a path under examples/specs), smoke-trained for one step."""
    return briefly_trained(EXAMPLES / example, parent)


def infer(run: Path, *args: str) -> subprocess.CompletedProcess:
    return run_infer(run, *args, timeout=300)


def predictions(run: Path, *args: str) -> list[dict]:
    """The rows infer.py writes for `args` (inputs and options), as JSONL."""
    out = run / "predictions.jsonl"
    done = infer(run, *args, "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def refusal(run: Path, *args: str) -> str:
    """infer.py's one-line error for bad input: exit status 2, no traceback."""
    done = infer(run, *args)
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    return line
