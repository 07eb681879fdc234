"""Every runtime task is one folder, tasks/<task>/, and every field of its row resolves: each
named function exists with the signature its caller uses and codegen can bundle it from
source; the folder has its defaults per scale and its inference script; its runtime modules
are its own (reached from its row, naming only shared code and its own folder)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import import_module, resources

import pytest

from metagen.codegen.bundle import reachable, runtime_package, task_modules
from metagen.codegen.templates import template_names
from metagen.handlers.tasks import registered_tasks
from metagen.tasks.registry import split_ref, tasks
from metagen.tasks.runtime import resolve

ROWS = sorted(tasks().values(), key=lambda row: row.name)
FOLDERS = sorted(
    entry.name
    for entry in resources.files("metagen.tasks").iterdir()
    if entry.is_dir() and entry.name != "__pycache__"
)
# the parameters each part's caller passes, in order (train/loop.py, evaluate/evaluation.py,
# data/datasets.py)
CALLED_WITH = {
    "datasets": ["cfg", "source", "seed"],
    "loss": ["outputs", "batch"],
    "evaluator": ["model", "batches", "device"],
    # a task's own training loop (reinforcement learning), called by its own train.py.j2
    "loop": ["model", "envs", "held_out", "cfg", "out_dir"],
}
SCALES = {"full", "smoke"}
SCHEDULE = {"steps", "batch_size", "lr", "weight_decay", "warmup_steps"}


def _parts(row):
    yield from (("datasets", ref) for ref in row.datasets.values())
    yield "loss", row.loss
    yield "evaluator", row.evaluator
    if row.loop is not None:
        yield "loop", row.loop


def test_every_folder_is_a_registered_task() -> None:
    assert FOLDERS == sorted(tasks()), "each tasks/<task>/ folder holds that task's row"
    assert len(FOLDERS) >= 20


def test_rows_defaults_and_handlers_never_import_torch() -> None:
    """Planning reads every row, a task's defaults and every handler: all pure Python."""
    probe = (
        "import sys; import metagen.handlers.tasks; from metagen.tasks.registry import tasks\n"
        "for row in tasks().values(): row.train_defaults('full'); row.data_defaults('smoke')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout[:500]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_part_resolves_with_the_signature_its_caller_uses(row) -> None:
    assert row.datasets, f"{row.name} reads no input kind"
    for column, ref in _parts(row):
        function = resolve(ref)
        assert callable(function), ref
        parameters = list(inspect.signature(function).parameters)
        assert parameters[: len(CALLED_WITH[column])] == CALLED_WITH[column], (ref, parameters)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_predictions_collector_is_its_own_or_shared_and_library_only(row) -> None:
    """The collector of held-out predictions (report/predictions.py calls it) is in the task's
    folder, as predictions.py, or in the shared metagen.predictions; a task folder's
    predictions.py serves its row. It is never bundled: no runtime module imports it."""
    own = resources.files(row.package).joinpath("predictions.py")
    if row.predictions is None:
        assert not own.is_file(), f"{row.name}'s predictions.py serves no row"
        return
    module = split_ref(row.predictions)[0]
    assert module in (f"{row.package}.predictions",) or module.startswith("metagen.predictions.")
    parameters = list(inspect.signature(resolve(row.predictions)).parameters)
    assert parameters[:4] == ["model", "batches", "device", "info"], parameters
    if own.is_file():
        assert module == f"{row.package}.predictions"
    assert not any(
        m.endswith(".predictions") for m in reachable(split_ref(r) for _, r in _parts(row))
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_part_can_be_bundled_from_source(row) -> None:
    for _, ref in _parts(row):
        kept = reachable([split_ref(ref)])
        assert split_ref(ref)[0] in kept


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_a_row_names_its_own_folder_or_shared_code(row) -> None:
    """A part is in tasks/<task>/ or in data/, train/, evaluate/: never another task's."""
    for _, ref in _parts(row):
        module = split_ref(ref)[0]
        if runtime_package(module) == "tasks":
            assert module.startswith(f"{row.package}."), ref
        else:
            assert runtime_package(module) in {"data", "train", "evaluate"}, ref


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_folders_runtime_modules_serve_its_row(row) -> None:
    kept = reachable(split_ref(ref) for _, ref in _parts(row))
    own = [m for m in task_modules() if m.startswith(f"{row.package}.")]
    assert all(m in kept for m in own), [m for m in own if m not in kept]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_folder_has_defaults_for_every_scale(row) -> None:
    defaults = import_module(f"{row.package}.defaults")
    assert set(defaults.TRAIN) == SCALES and set(defaults.DATA) == SCALES
    for scale in sorted(SCALES):
        assert SCHEDULE <= set(row.train_defaults(scale)), (row.name, scale)
        assert isinstance(row.data_defaults(scale), dict)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_folder_has_its_inference_script(row) -> None:
    assert f"tasks/{row.name}/infer.py.j2" in template_names()
    for name in template_names():
        if name.startswith(f"tasks/{row.name}/infer_"):
            kind = name.split("/")[-1].removeprefix("infer_").removesuffix(".py.j2")
            assert kind in row.datasets, f"{name}: {row.name} reads no {kind} input"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_task_type_of_the_same_name_is_planned_in_the_folder(row) -> None:
    """The handler of task.type <task>, where there is one, is tasks/<task>/handler.py."""
    handler = registered_tasks().get(row.name)
    has_handler_file = resources.files(row.package).joinpath("handler.py").is_file()
    assert has_handler_file == (handler is not None), row.name
    if handler is not None:
        assert handler.__module__ == f"{row.package}.handler"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_headline_compares_two_different_metrics(row) -> None:
    metric, baseline, higher_is_better = row.headline
    assert metric != baseline and isinstance(higher_is_better, bool)
