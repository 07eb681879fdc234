"""Assemble the standalone `code/` package of a run, in memory, as {path: text}.

The scripts are rendered first; the runtime modules bundled beside them are exactly those
reachable from the names the scripts import (`from data import ...`, `from training import
...`, `from loop import ...`), so a package carries only its own model's and task's code.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from typing import Any

from metagen.archs.registry import arch
from metagen.blueprint.model import Blueprint
from metagen.codegen.bundle import (
    TARGET_PACKAGES,
    bundle,
    defining_module,
    reachable,
    sorted_imports,
)
from metagen.codegen.templates import render, template_names
from metagen.handlers.tasks.rl_environments import ENVIRONMENTS
from metagen.spec.vocab import ACCELERATOR_DEVICES
from metagen.tasks.registry import datasets_ref, runtime_task, split_ref

# Runnable scripts; their library code comes from the bundles.
SCRIPTS = ("train.py", "evaluate.py", "export.py", "infer.py")
# Bundled files, in the order each may import from the ones before it.
BUNDLES = {
    "data": "datasets (synthetic and user data) for training and evaluation",
    "training": "the task's loss and metrics, checkpoints, distributed setup",
    "loop": "the training loop: forward, loss, backward, step, evaluate, checkpoint",
}
# What pip installs for each package a generated file imports (torch: the CPU or CUDA build
# the user already has).
PIP_NAMES = {
    "torch": "torch>=2.4",
    "numpy": "numpy>=1.26",
    "safetensors": "safetensors>=0.4",
    "PIL": "Pillow>=10",
    "soundfile": "soundfile>=0.12",
    "scipy": "scipy>=1.10",
    "onnxruntime": "onnxruntime>=1.18",
    "tokenizers": "tokenizers>=0.19",
    # classic-control: pygame, which renders the frames of infer.py's GIFs
    "gymnasium": "gymnasium[classic-control]>=1.0",
    # Atari games (their ROMs ship in the wheel); AtariPreprocessing resizes with OpenCV
    "ale_py": "ale-py>=0.9",
    "cv2": "opencv-python-headless>=4.8",
    # image to code: BLEU of written code, and the charts it writes, run in the sandbox
    "sacrebleu": "sacrebleu>=2.3",
    "matplotlib": "matplotlib>=3.7",
}
# The data kinds of agents that see their environment through a wrapper (frames, or a history
# of observations), and the data.py factory that makes their environment.
WRAPPER_FACTORIES = {
    "atari": "make_atari_environment",
    "pixels": "make_pixel_environment",
    "history": "make_history_environment",
}
# torch.onnx's exporter imports these itself: a file that calls it needs them unnamed.
TORCH_ONNX = ("onnx>=1.16", "onnxscript>=0.1")


def render_model(bp: Blueprint, description: str) -> str:
    row = arch(bp.arch)
    source = bundle(
        reachable([(row.model_module, row.model), (row.model_module, row.config)]),
        "model",
        f"{bp.name}: the {row.model} that MetaGen planned, standalone (torch only).",
        extra_imports=("import json", "from pathlib import Path", "import torch"),
    )
    glue = render(
        "model_glue.py.j2",
        name=bp.name,
        description=description,
        config_class=row.config,
        model_class=row.model,
    )
    return source + "\n\n" + glue


def config_json(bp: Blueprint) -> str:
    """The text of the package's `config.json`: every scale's dims, data and train settings."""
    return json.dumps(bp.to_config(), indent=2, sort_keys=True) + "\n"


def infer_template(bp: Blueprint) -> str:
    """Inference differs most by task and input: the task folder's `infer_<kind>.py.j2`
    where one exists (classifying audio is not classifying images), else its `infer.py.j2`."""
    specific = f"tasks/{bp.task}/infer_{bp.data.get('kind')}.py.j2"
    return specific if specific in template_names() else f"tasks/{bp.task}/infer.py.j2"


def script_template(bp: Blueprint, script: str) -> str:
    """A task's own `tasks/<task>/<script>.j2` where it has one (an agent's train.py runs the
    task's own loop, its evaluate.py plays episodes), else the shared template."""
    own = f"tasks/{bp.task}/{script}.j2"
    return own if own in template_names() else f"{script}.j2"


def task_context(bp: Blueprint) -> dict[str, Any]:
    """The names of the task's runtime parts, and the import lines that bring them in. A
    package that reads text through a tokenizer (`reads_text`) also takes a tokenizer.json."""
    row = runtime_task(bp.task)
    reads_text = bp.data.get("kind") == "text"  # a language model's or text records' data
    text_train = {"from data import TOKENIZER_FILE, save_text_tokenizer, with_training_tokenizer"}
    text_evaluate = {"from data import saved_tokenizer_file"}
    datasets = split_ref(datasets_ref(row, bp.data.get("kind")))[1]
    loss, evaluator = split_ref(row.loss)[1], split_ref(row.evaluator)[1]
    metric, baseline, higher_is_better = row.headline
    staged = bool(bp.scales["full"].train.get("stages"))
    training = {
        "CheckpointLoadError",
        "atomic_write_json",
        "check_checkpoint",
        "find_checkpoint",
        "cleanup_distributed",
        "init_from_weights",
        "measure_latency",
    }
    return {
        "datasets_fn": datasets,
        "loss_fn": loss,
        "evaluator": evaluator,
        "loop_fn": split_ref(row.loop)[1] if row.loop else None,
        "headline": (metric, baseline, higher_is_better),
        "reads_text": reads_text,
        "inputs": list(bp.data.get("inputs", [])),  # a fusion model's input modalities
        "staged": staged,  # spec training.stages: the loop takes a Staging
        "data_kind": bp.data.get("kind"),  # an agent's environment: vectors or frames
        # the factory an agent over frames or a history rebuilds its environment with (None: none)
        "wrapper_env": WRAPPER_FACTORIES.get(bp.data.get("kind", "")),
        "train_imports": "\n".join(
            sorted_imports(
                {
                    f"from data import build_datasets, model_inputs, {datasets}",
                    "from loop import train_model",
                    "from model import build_model, example_inputs, load_config",
                    f"from training import {', '.join(sorted(training))}, {loss}, {evaluator}",
                    "from training import setup_distributed",
                    *(["from training import Staging"] if staged else []),
                    *(text_train if reads_text else ()),
                }
            )
        ),
        "evaluate_imports": "\n".join(
            sorted_imports(
                {
                    f"from data import build_datasets, {datasets}",
                    "from model import build_model, load_config",
                    "from training import atomic_write_json, compare_with_baseline",
                    f"from training import evaluate_model, load_checkpoint, {evaluator}",
                    *(text_evaluate if reads_text else ()),
                }
            )
        ),
    }


def _imported_names(scripts: dict[str, str]) -> dict[str, set[str]]:
    """Generated file -> the names the scripts import from it."""
    wanted: dict[str, set[str]] = {}
    for text in scripts.values():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module in BUNDLES:
                wanted.setdefault(node.module, set()).update(a.name for a in node.names)
    return wanted


def _runtime_files(bp: Blueprint, scripts: dict[str, str]) -> dict[str, str]:
    """data.py, training.py and loop.py: the closure of what the scripts import."""
    wanted = _imported_names(scripts)
    kept = reachable(
        (defining_module(target, name), name) for target, names in wanted.items() for name in names
    )
    return {
        f"{target}.py": bundle(kept, target, f"{bp.name}: {about}.")
        for target, about in BUNDLES.items()
    }


# An import statement anywhere in a generated file, in the one form it is written (generated
# code is ours and formatted): scanning text is much faster than parsing every file again.
_IMPORT_LINE = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w., \t]+))", re.M
)


def _third_party(text: str) -> set[str]:
    """Top-level packages a generated file imports, outside the standard library and the
    package itself (anywhere in the file: some are imported inside the one function that
    needs them)."""
    local = {*TARGET_PACKAGES, "loop", "evaluate", *(s[:-3] for s in SCRIPTS)}
    roots: set[str] = set()
    for source, plain in _IMPORT_LINE.findall(text):
        if source:
            roots.add(source.split(".")[0])
        else:
            roots.update(n.split()[0].split(".")[0] for n in plain.split(",") if n.strip())
    return {r for r in roots if r not in sys.stdlib_module_names and r not in local}


def requirements_txt(files: dict[str, str], environment: str | None = None) -> str:
    """Exactly the packages the package's Python files import, and what gymnasium needs to
    make an agent's `environment` (ENVIRONMENTS' requirement); export.py's own last."""
    imported = {path: _third_party(text) for path, text in files.items() if path.endswith(".py")}
    unknown = sorted(set().union(*imported.values()) - set(PIP_NAMES))
    if unknown:
        raise LookupError(f"no pip name for {unknown}: add them to codegen/package.py PIP_NAMES")
    needed = set().union(*(roots for path, roots in imported.items() if path != "export.py"))
    export_only = imported.get("export.py", set()) - needed

    lines = sorted(PIP_NAMES[r] for r in needed)
    known = ENVIRONMENTS.get(environment or "")
    if known is not None and known.requirement:
        lines = sorted([*lines, known.requirement])
    export_lines = sorted(PIP_NAMES[r] for r in export_only)
    if "torch.onnx." in files.get("export.py", ""):
        export_lines += TORCH_ONNX
    if export_lines:
        lines += ["# export.py only:", *export_lines]
    return "\n".join(lines) + "\n"


def import_lines(*lines: str) -> str:
    """A task template's own imports, some names filled in by the plan, in isort's order:
    `{{ import_lines("from training import load_checkpoint, " ~ evaluator) }}`."""
    return "\n".join(sorted_imports(set(lines)))


def render_package(bp: Blueprint, description: str, context: dict[str, Any]) -> dict[str, str]:
    """Every file of `code/`. `context` carries the plan figures the README quotes."""
    script_context = {
        "import_lines": import_lines,
        "name": bp.name,
        "task": bp.task,
        "arch": bp.arch,
        "accelerators": ACCELERATOR_DEVICES,
        **task_context(bp),
        **context,
    }
    scripts = {
        script: render(
            infer_template(bp) if script == "infer.py" else script_template(bp, script),
            **script_context,
        )
        for script in SCRIPTS
    }
    files = {
        "model.py": render_model(bp, description),
        **_runtime_files(bp, scripts),
        **scripts,
        "config.json": config_json(bp),
    }
    files["requirements.txt"] = requirements_txt(files, bp.data.get("env_id"))
    files["README.md"] = render("README.md.j2", description=description, **script_context)
    files["ruff.toml"] = render("ruff.toml.j2")
    return files
