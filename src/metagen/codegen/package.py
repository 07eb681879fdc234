"""Assemble the standalone `code/` package of a run, in memory, as {path: text}."""

from __future__ import annotations

import ast
import json
from functools import cache
from typing import Any

from metagen.blueprint.model import Blueprint
from metagen.codegen.bundle import bundle, defining_module, module_path, package_modules
from metagen.codegen.templates import render, template_names

# Where each generated script's glue lives; their library code comes from bundles.
SCRIPTS = ("train.py", "evaluate.py", "export.py")

REQUIREMENTS = {
    "train": ["torch>=2.4", "numpy>=1.26", "safetensors>=0.4", "Pillow>=10"],
    "export": ["onnx>=1.16", "onnxruntime>=1.18", "onnxscript>=0.1"],
    # by data kind: audio files other than PCM .wav are read through libsndfile
    "audio": ["soundfile>=0.12"],
    # by runtime task: DETR's Hungarian matching
    "set_detection": ["scipy>=1.10"],
}


@cache
def architecture_classes() -> dict[str, tuple[str, str]]:
    """arch -> (config class, model class), read from nn/registry.py's ARCHITECTURES."""
    tree = ast.parse(module_path("metagen.nn.registry").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name) and target.id == "ARCHITECTURES":
                return {
                    ast.literal_eval(k): tuple(e.id for e in v.elts)  # type: ignore[union-attr]
                    for k, v in zip(node.value.keys, node.value.values, strict=True)
                }
    raise LookupError("nn/registry.py defines no ARCHITECTURES dict")


def render_model(bp: Blueprint, description: str) -> str:
    config_class, model_class = architecture_classes()[bp.arch]
    source = bundle(
        [defining_module("nn", model_class)],
        "model",
        f"{bp.name}: the {model_class} that MetaGen planned, standalone (torch only).",
        extra_imports=("import json", "from pathlib import Path", "import torch"),
    )
    glue = render(
        "model_glue.py.j2",
        name=bp.name,
        description=description,
        config_class=config_class,
        model_class=model_class,
    )
    return source + "\n\n" + glue


def _runtime_files(bp: Blueprint) -> dict[str, str]:
    data = bundle(
        package_modules("data"),
        "data",
        f"{bp.name}: datasets (synthetic and user data) for training and evaluation.",
    )
    training = bundle(
        package_modules("train") + package_modules("evaluate"),
        "training",
        f"{bp.name}: the training loop, checkpoints, distributed setup and metrics.",
    )
    return {"data.py": data, "training.py": training}


def infer_template(bp: Blueprint) -> str:
    """Inference differs most by task and input: `infer_<task>_<kind>.py.j2` where one
    exists (classifying audio is not classifying images), else `infer_<task>.py.j2`."""
    specific = f"infer_{bp.task}_{bp.data.get('kind')}.py.j2"
    return specific if specific in template_names() else f"infer_{bp.task}.py.j2"


def config_json(bp: Blueprint) -> str:
    """The text of the package's `config.json`: every scale's dims, data and train settings."""
    return json.dumps(bp.to_config(), indent=2, sort_keys=True) + "\n"


def render_package(bp: Blueprint, description: str, context: dict[str, Any]) -> dict[str, str]:
    """Every file of `code/`. `context` carries the plan figures the README quotes."""
    files = {
        "model.py": render_model(bp, description),
        **_runtime_files(bp),
        "config.json": config_json(bp),
        "requirements.txt": "\n".join(
            REQUIREMENTS["train"]
            + REQUIREMENTS.get(str(bp.data.get("kind")), [])
            + REQUIREMENTS.get(bp.task, [])
            + ["# export.py only:"]
            + REQUIREMENTS["export"]
        )
        + "\n",
    }
    script_context = {"name": bp.name, "task": bp.task, "arch": bp.arch, **context}
    for script in SCRIPTS:
        files[script] = render(f"{script}.j2", **script_context)
    files["infer.py"] = render(infer_template(bp), **script_context)
    files["README.md"] = render("README.md.j2", description=description, **script_context)
    files["ruff.toml"] = render("ruff.toml.j2")
    return files
