"""Run a generated package's train.py on data it must refuse, as a user would: a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.codegen.generated import synth_run
from tests.paths import EXAMPLES


def synth_package(spec: str, out: Path) -> Path:
    """The code/ folder of `spec` (a path under examples/specs) synthesized into `out`."""
    return synth_run(EXAMPLES / spec, out) / "code"


def train_refuses(code: Path, data: Path, out: Path) -> str:
    """train.py's stderr after it refused `data`: exit 2, one error line, no traceback, and
    nothing written to `out`."""
    args = ["--scale", "smoke", "--steps", "20", "--batch-size", "2", "--no-progress"]
    result = subprocess.run(
        [sys.executable, "train.py", *args, "--data", str(data), "--out", str(out)],
        cwd=code,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert not out.exists()
    return errors[0]
