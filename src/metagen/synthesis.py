"""`metagen synth`: write a run directory atomically (all of it, or nothing)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from metagen.blueprint.model import Blueprint
from metagen.codegen.package import render_package
from metagen.planning import make_blueprint, plan_dict
from metagen.report.diagram import DIAGRAM_FILE, architecture_svg
from metagen.report.docs import render_docs
from metagen.spec import Spec


class OutputError(Exception):
    """The output location cannot be written as asked."""


# Every run directory has it, so --force can tell a run from a user's own folder.
RUN_MARKER = "spec_resolved.yaml"


def _architecture_yaml(bp: Blueprint, plan: dict[str, Any]) -> str:
    doc = {
        "name": bp.name,
        "arch": bp.arch,
        "family": bp.family,
        "task": bp.task,
        "variant": bp.variant,
        "architecture": plan["architecture"],
        "scales": bp.to_config()["scales"],
        "decisions": bp.decisions,
        "approximations": bp.approximations,
        "warnings": bp.warnings,
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _params_json(plan: dict[str, Any]) -> str:
    """The whole plan: exact params per component, FLOPs, memory and the decisions. The
    docs are re-rendered from it after training."""
    return json.dumps(plan, indent=2) + "\n"


def run_files(spec: Spec, seed: int | None) -> dict[str, str]:
    """Every file of a run directory, by relative path. Pure: nothing is written."""
    bp = make_blueprint(spec, seed)
    plan = plan_dict(bp)
    resolved = spec.model_dump(mode="json")
    resolved["seed"] = bp.seed
    description = spec.description or ""
    files = {
        RUN_MARKER: yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True),
        "blueprint/architecture.yaml": _architecture_yaml(bp, plan),
        "blueprint/params.json": _params_json(plan),
    }
    context = {"params_total": plan["params_total"], "smoke_params": plan["smoke"]["params_total"]}
    for path, text in render_package(bp, description, context).items():
        files[f"code/{path}"] = text
    for path, text in render_docs(plan, description, training=None).items():
        files[f"docs/{path}"] = text
    # shapes untraced (that runs the model: torch); `metagen train` redraws it with them
    files[f"docs/{DIAGRAM_FILE}"] = architecture_svg(plan)
    return files


def write_tree(files: Mapping[str, str | bytes], target: Path, *, force: bool) -> Path:
    """Write `files` under `target` via a temporary sibling and one rename. On any failure
    (a full disk included) the location is left as it was found."""
    check_target(target, force=force)
    # the folders this call creates, deepest first, removed again if it fails
    created = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        _remove_empty(created)
        raise OutputError(
            f"cannot create the run directory under {target.parent} ({_reason(error)}). Pass "
            "--out a folder that exists or can be created."
        ) from None
    try:
        for rel, text in sorted(files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        (staging / "logs").mkdir(exist_ok=True)
        os.chmod(staging, 0o755)
        replace_dir(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(created)
        raise OutputError(
            f"cannot write the run directory {target} ({_reason(error)}); nothing was "
            "changed there. Free some space or pass --out a writable folder."
        ) from None
    except BaseException:  # Ctrl-C: no half-written staging folder stays behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def check_target(target: Path, *, force: bool) -> None:
    """Refuse a run directory that --force must not replace: a link, a file, or a folder
    that `metagen synth` did not write."""
    if target.is_symlink():
        raise OutputError(
            f"{target} is a symbolic link (to {os.readlink(target)}); MetaGen does not write "
            "through or replace links. Remove the link, or choose another --run-id or --out."
        )
    if not target.exists():
        return
    if not force:
        raise OutputError(
            f"{target} already exists. Choose another --run-id, or pass --force to replace it."
        )
    if not target.is_dir():
        raise OutputError(
            f"{target} is a file, not a run directory, so --force does not replace it. Move "
            "it away or choose another --run-id."
        )
    if any(target.iterdir()) and not (target / RUN_MARKER).is_file():
        raise OutputError(
            f"{target} is a folder that `metagen synth` did not write (it has no {RUN_MARKER}), "
            "so --force does not replace it. Choose another --run-id or --out."
        )


def replace_dir(staging: Path, target: Path) -> None:
    """Put the complete folder `staging` at `target`. An old run moves aside first and is
    deleted only once the new one is in place, so a failure keeps it."""
    aside = None
    if target.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, aside / target.name)
    try:
        os.replace(staging, target)
    except OSError:
        if aside is not None:
            os.replace(aside / target.name, target)
            aside.rmdir()
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def synthesize(
    spec: Spec, out: Path, run_id: str, *, seed: int | None = None, force: bool = False
) -> Path:
    files = run_files(spec, seed)
    return write_tree(files, Path(out) / run_id, force=force)
