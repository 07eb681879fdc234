"""The bundling rules of docs/internals.md, checked on data/, train/, evaluate/ and the task
folders' runtime modules (tasks/<task>/data*.py, loss*.py, evaluate*.py, loop*.py)."""

import ast
import sys
from pathlib import Path

import pytest

from metagen.codegen.bundle import TASK_MODULE_FILE  # a task module lands by its first word

PKG = Path(__file__).resolve().parents[2] / "src" / "metagen"
RUNTIME = ("nn", "data", "train", "evaluate")
MINE = ("data", "train", "evaluate")
MODULE_LEVEL_OK = {"torch", "numpy"} | set(sys.stdlib_module_names)
# scipy: DETR's Hungarian matching (linear_sum_assignment), imported where it runs.
FUNCTION_LEVEL_OK = {
    "safetensors",
    "PIL",
    "onnxruntime",
    "soundfile",
    "scipy",
    "tokenizers",
    "gymnasium",
    "ale_py",  # Atari games, only where a package plays one
    "cv2",  # gymnasium's AtariPreprocessing resizes with it
    "sacrebleu",  # BLEU of the code an image-to-code model writes
    "matplotlib",  # whether the chart scripts it writes can run (in the sandbox's child)
}
SHARED = sorted(p for d in MINE for p in (PKG / d).glob("*.py") if p.name != "__init__.py")
TASK_MODULES = sorted(
    p for p in PKG.glob("tasks/*/*.py") if p.stem.split("_")[0] in TASK_MODULE_FILE
)
MODULES = SHARED + TASK_MODULES


def _dotted(path: Path) -> str:
    """metagen.tasks.diffusion.data_video for src/metagen/tasks/diffusion/data_video.py."""
    return ".".join(("metagen", *path.relative_to(PKG).with_suffix("").parts))


def _path(module: str) -> Path:
    return PKG.joinpath(*module.split(".")[1:]).with_suffix(".py")


def _id(path: Path) -> str:
    return str(path.relative_to(PKG))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_there_are_modules_to_check():
    assert {p.parent.name for p in SHARED} == set(MINE) and len(SHARED) >= 15
    assert len({p.parent for p in TASK_MODULES}) >= 15


def test_task_folders_hold_only_known_modules():
    """Every module of a task folder is its row, its defaults, its handler, its collector of
    held-out predictions for the plots (library only, never bundled) or runtime code that
    lands in a generated file by the first word of its name."""
    planning = {"__init__", "defaults", "handler", "predictions"}
    for path in PKG.glob("tasks/*/*.py"):
        assert path.stem in planning or path in TASK_MODULES, (
            f"{_id(path)}: name it {', '.join(f'{w}*' for w in TASK_MODULE_FILE)}"
        )


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_module_follows_bundling_rules(path):
    tree = _tree(path)
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # module docstring
    n_imports = next(
        (i for i, n in enumerate(body) if not isinstance(n, ast.Import | ast.ImportFrom)),
        len(body),
    )
    for node in body[:n_imports]:
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"line {node.lineno}: relative import"
            parts = node.module.split(".")
            if parts[0] == "metagen":
                assert _path(node.module) in MODULES or parts[1] == "nn", node.module
            else:
                assert parts[0] in MODULE_LEVEL_OK, f"line {node.lineno}: {node.module}"
                assert node.module != "__future__"
        else:
            for alias in node.names:
                root = alias.name.split(".")[0]
                assert root in MODULE_LEVEL_OK, f"line {node.lineno}: import {alias.name}"
    for node in body[n_imports:]:
        assert not isinstance(node, ast.Import | ast.ImportFrom), (
            f"line {node.lineno}: import after code"
        )
        assert isinstance(
            node,
            ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Assign | ast.AnnAssign,
        ), f"line {node.lineno}: {type(node).__name__} runs at import time"
        if isinstance(node, ast.Assign | ast.AnnAssign):
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
            assert not calls, f"line {node.lineno}: a call at import time"
    assert "__all__" not in _top_level_names(tree)
    for node in ast.walk(tree):  # nested imports: only the optional heavy packages
        if isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    names = (
                        [inner.module]
                        if isinstance(inner, ast.ImportFrom)
                        else [a.name for a in inner.names]
                    )
                    for name in names:
                        assert name.split(".")[0] in FUNCTION_LEVEL_OK, f"{path.name}: {name}"


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_shared_code_never_imports_a_task_and_a_task_only_its_own(path):
    """Shared modules serve every task; a task folder's runtime code reads the shared modules
    and its own folder, never another task's."""
    for node in _tree(path).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen.tasks."):
            assert path in TASK_MODULES, f"{_id(path)}: shared code imports {node.module}"
            assert _path(node.module).parent == path.parent, f"{_id(path)}: {node.module}"


def test_top_level_names_are_unique_across_runtime_modules():
    seen: dict[str, str] = {}
    all_runtime = sorted(
        p
        for d in RUNTIME
        if (PKG / d).is_dir()
        for p in (PKG / d).glob("*.py")
        if p.name != "__init__.py"
    )
    for path in all_runtime + TASK_MODULES:
        for name in _top_level_names(_tree(path)):
            where = _id(path)
            assert name not in seen, f"{name} defined in both {seen[name]} and {where}"
            seen[name] = where


def test_init_files_hold_no_code():
    for d in MINE:
        body = _tree(PKG / d / "__init__.py").body
        assert all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)


def _bound_imports(tree: ast.Module) -> dict[str, str]:
    """Name -> what it means, for every module-level non-metagen import."""
    bound = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                bound[a.asname or a.name.split(".")[0]] = (
                    a.name if a.asname else a.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("metagen"):
            for a in node.names:
                bound[a.asname or a.name] = f"{node.module}.{a.name}"
    return bound


# Generated files and the packages bundled into each (codegen/bundle.py's TARGET_FILE).
GENERATED_FILES = {"data": ("data",), "training": ("train", "evaluate")}


def _bundled_into(target: str) -> list[Path]:
    shared = [
        p for package in GENERATED_FILES[target] for p in sorted((PKG / package).glob("*.py"))
    ]
    tasks = [p for p in TASK_MODULES if TASK_MODULE_FILE[p.stem.split("_")[0]] == target]
    return shared + tasks


@pytest.mark.parametrize("target", sorted(GENERATED_FILES))
def test_one_generated_file_has_one_meaning_per_name(target):
    """Bundled imports are hoisted into one block: a name must mean one thing per file."""
    meaning: dict[str, tuple[str, str]] = {}
    defined: dict[str, str] = {}
    for path in _bundled_into(target):
        tree = _tree(path)
        for name, target_name in _bound_imports(tree).items():
            if name in meaning:
                assert meaning[name][0] == target_name, (
                    f"{name} means {target_name} in {_id(path)}, {meaning[name]} elsewhere"
                )
            meaning[name] = (target_name, _id(path))
        defined |= {n: _id(path) for n in _top_level_names(tree)}
    shadowed = sorted(set(defined) & set(meaning))
    assert not shadowed, f"definitions shadow imported names: {shadowed}"


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_internal_imports_name_what_the_module_defines(path):
    for node in _tree(path).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen."):
            source = _path(node.module)
            assert source.is_file(), f"{path.name}: {node.module} does not exist"
            names = _top_level_names(_tree(source))
            for alias in node.names:
                assert alias.asname is None, f"{path.name}: renames {alias.name}"
                assert alias.name in names, f"{path.name}: {node.module} lacks {alias.name}"


def _bundle(paths: list[Path]) -> str:
    """Concatenate modules in import order, dropping metagen imports, as codegen does."""
    by_name = {_dotted(p): p for p in paths}
    done, order = set(), []

    def visit(name):
        if name in done:
            return
        done.add(name)
        for node in _tree(by_name[name]).body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen."):
                visit(node.module)
        order.append(name)

    for name in sorted(by_name):
        visit(name)
    lines = []
    for name in order:
        text = by_name[name].read_text().splitlines()
        internal = {  # every line of each metagen import, which may wrap
            i
            for node in _tree(by_name[name]).body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metagen.")
            for i in range(node.lineno - 1, node.end_lineno or node.lineno)
        }
        lines += [line for i, line in enumerate(text) if i not in internal]
    return "\n".join(lines) + "\n"


BUNDLE_MAIN = """
import json, sys
torch.set_num_threads(1)


class _Bigram(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.table = torch.nn.Embedding(259, 259)

    def forward(self, input_ids):
        return self.table(input_ids)


_train, _val, _info = build_datasets(
    language_model_datasets, {"seq_len": 16, "synthetic_chars": 4000}, "synthetic", 0
)
_cfg = {"steps": 3, "batch_size": 4, "lr": 1e-2, "min_lr_ratio": 0.1, "warmup_steps": 1,
        "weight_decay": 0.0, "grad_clip": 1.0, "eval_every": 0, "eval_batches": 1,
        "checkpoint_every": 0, "seed": 0}
_result = train_model(_Bigram(), task="language_modeling", loss_fn=language_modeling_loss,
                      evaluator=evaluate_language_model, train_ds=_train, val_ds=_val,
                      cfg=_cfg, out_dir=sys.argv[1], progress=False)
print("metagen loaded:", any(m.startswith("metagen") for m in sys.modules))
"""


def test_bundled_runtime_trains_without_metagen(tmp_path):
    import subprocess

    bundle = _bundle(MODULES)
    assert "from metagen" not in bundle and "import metagen" not in bundle
    script = tmp_path / "bundle.py"
    script.write_text(bundle + BUNDLE_MAIN)
    proc = subprocess.run(
        [sys.executable, "-I", str(script), str(tmp_path / "run")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "metagen loaded: False" in proc.stdout
    assert (tmp_path / "run" / "metrics.json").is_file()
