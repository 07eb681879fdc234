"""`metagen synth`: write a run directory atomically (all of it, or nothing)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from metagen.blueprint.model import Blueprint
from metagen.codegen.package import render_package
from metagen.planning import make_blueprint, plan_dict
from metagen.report.docs import render_docs
from metagen.spec import Spec


class OutputError(Exception):
    """The output location cannot be written as asked."""


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
        "spec_resolved.yaml": yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True),
        "blueprint/architecture.yaml": _architecture_yaml(bp, plan),
        "blueprint/params.json": _params_json(plan),
    }
    context = {"params_total": plan["params_total"], "smoke_params": plan["smoke"]["params_total"]}
    for path, text in render_package(bp, description, context).items():
        files[f"code/{path}"] = text
    for path, text in render_docs(plan, description, training=None).items():
        files[f"docs/{path}"] = text
    return files


def write_tree(files: dict[str, str], target: Path, *, force: bool) -> Path:
    """Write `files` under `target` via a temporary sibling and one rename."""
    if target.exists() and not force:
        raise OutputError(
            f"{target} already exists. Choose another --run-id, or pass --force to replace it."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise OutputError(
            f"cannot create the run directory under {target.parent} ({error.strerror}). Pass "
            "--out a folder that exists or can be created."
        ) from None
    try:
        for rel, text in sorted(files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (staging / "logs").mkdir(exist_ok=True)
        os.chmod(staging, 0o755)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def synthesize(
    spec: Spec, out: Path, run_id: str, *, seed: int | None = None, force: bool = False
) -> Path:
    files = run_files(spec, seed)
    return write_tree(files, Path(out) / run_id, force=force)
