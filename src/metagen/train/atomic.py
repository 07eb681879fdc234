"""Atomic writes: build beside the target, then rename into place."""

import json
import os
import shutil
from pathlib import Path


def atomic_write_json(path, obj) -> None:
    """Write JSON to a temp file beside `path`, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj, indent=2) + "\n")
    os.replace(tmp, path)


def atomic_replace_dir(tmp, target) -> None:
    """Put the complete folder `tmp` at `target`, replacing any folder there."""
    # A folder cannot be renamed over a non-empty one, so the old one moves aside first.
    # At every moment `target` or `.<target>.old` beside it is complete.
    tmp, target = Path(tmp), Path(target)
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
