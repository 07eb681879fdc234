"""Shared helpers for the CLI contract tests: invoke the app in-process, read its errors,
snapshot directory trees and write small specs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

import metagen.data_cli  # noqa: F401  (registers `data` on the app)
import metagen.import_cli  # noqa: F401  (registers `import` on the app)
import metagen.train_cli  # noqa: F401  (registers `train` and `demo` on the app)
from metagen.cli import app

METAGEN = Path(sys.executable).with_name("metagen")

# A valid, small text LM spec; tests derive broken variants from it line by line.
BASE_SPEC = """\
metagen_version: "1.0"
name: "cli_probe"
modality:
  inputs: [text]
  outputs: [text]
constraints:
  parameter_budget:
    max: "2M"
  context_window: 256
training:
  objective: [autoregressive]
architecture:
  family: transformer
"""

_runner = CliRunner()


def invoke(*args: str | Path) -> Result:
    """Run `metagen ARGS` in-process. An uncaught exception (a traceback for a user) fails."""
    result = _runner.invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"`metagen {' '.join(map(str, args))}` raised "
            f"{type(result.exception).__name__}: {result.exception}"
        ) from result.exception
    return result


def error_paragraph(result: Result) -> str:
    """The one error message of a failed command: exactly one line, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, f"expected one 'error:' line, got:\n{result.stderr}"
    assert lines[-1] == errors[0], f"the error must be the last thing printed:\n{result.stderr}"
    return errors[0]


def write_spec(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def replace_line(text: str, old: str, new: str) -> str:
    """`text` with the one line equal to `old` (stripped) replaced by `new`."""
    lines = text.splitlines()
    hits = [i for i, line in enumerate(lines) if line.strip() == old.strip()]
    assert len(hits) == 1, f"{old!r} must occur exactly once"
    lines[hits[0]] = new
    return "\n".join(lines) + "\n"


def position_of(text: str, marker: str) -> tuple[int, int]:
    """1-based (line, column) of the only occurrence of `marker` in `text`."""
    assert text.count(marker) == 1, f"{marker!r} must occur exactly once"
    before = text[: text.index(marker)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` (folders as 'dir/' -> None, files -> their bytes)."""
    tree: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        tree[rel + "/" if path.is_dir() else rel] = None if path.is_dir() else path.read_bytes()
    return tree


def entries(folder: Path) -> list[str]:
    """What a folder holds ([] when it does not exist)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


LOCATION = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+):(?P<col>\d+): ")
