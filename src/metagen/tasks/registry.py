"""One row per runtime task, and the registry that finds them: one folder each under tasks/.

A runtime task is what training optimises (`blueprint.task`, config.json's `task`). Its
folder, `tasks/<task>/`, holds everything about it:
- `__init__.py`: its row, `TASK = RuntimeTask(...)`: the data builder for each input kind,
  the loss, the evaluator and the headline metric, each named as `"module:function"`;
- `data*.py`, `loss*.py`, `evaluate*.py`: the runtime code only this task runs (torch;
  codegen/bundle.py puts each in the package's data.py or training.py by its first word);
- `defaults.py`: training settings and data sizes per scale, `TRAIN` and `DATA`;
- `handler.py`, where the spec's `task.type` has this name: the task handler;
- `infer.py.j2`, and `infer_<kind>.py.j2` where an input kind needs its own: the package's
  inference script.
All but the runtime code are pure Python: planning never imports torch. Codegen reads the
named functions' source into the generated package; the library imports them
(`tasks/runtime.py`) when it trains or evaluates.

Code that several tasks run stays shared, as blocks several archs use stay in `nn/`: data
readers and generators in `data/`, loop and loss pieces in `train/`, metrics and scoring in
`evaluate/`. A module moves into a task's folder when all of it serves that task; a module
that serves several stays whole, and a task's few-line entry point stays beside the shared
code it wraps (the record builders beside their readers; the YOLO loss and evaluator beside
the box losses and decoding that instance segmentation reuses), since moving it would cut
the module in two in every package of that task. A row names its own folder and the shared
packages, never another task's folder.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from metagen.folder_registry import folder_rows

# The input kinds whose records (rows, texts, series) the shared record readers serve.
RECORD_KINDS = ("tabular", "text", "series")


@dataclass(frozen=True)
class RuntimeTask:
    name: str  # the folder's name, config.json's `task`
    # data kind (config.json's data "kind", set by the modality handler) -> the function that
    # builds (train, held-out, info) from synthetic data or a user's path
    datasets: Mapping[str, str]
    loss: str  # loss(outputs, batch, **options) -> scalar tensor
    evaluator: str  # evaluator(model, batches, device) -> held-out metrics
    # (headline metric, the same metric of a trivial baseline, higher is better): a trained
    # model must beat the baseline, reported beside it by the evaluator
    headline: tuple[str, str, bool]
    # A task that does not train on batches of a dataset (reinforcement learning: the agent
    # collects its own data in an environment) names its own training loop, train_<task>(model,
    # data, held_out, cfg, out_dir, *, loss_fn, evaluator, resume, log) -> metrics; it lands in
    # the package's loop.py and the task's own train.py.j2 calls it.
    loop: str | None = None
    # A task whose built-in data only the library can make (it renders with Pillow and
    # matplotlib, runs code in the sandbox) names the library function that writes it as a
    # folder its data builder reads, write(out_dir, data_cfg, seed); `metagen train --data
    # synthetic` writes it into the run and trains on that folder.
    writes_synthetic: str | None = None
    # What the trained model predicts on held-out data, for plots and reports (library only,
    # never bundled): collect(model, batches, device, info) -> a dict whose "kind" names the
    # drawer in report/plots/<kind>.py; arrays go to predictions.npz, the rest to
    # predictions.json (report/predictions.py). None: the task's plots are its curves alone.
    predictions: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "datasets", MappingProxyType(dict(self.datasets)))

    @property
    def package(self) -> str:
        return f"{__package__}.{self.name}"

    def train_defaults(self, scale: str) -> dict[str, Any]:
        """The training settings of defaults.py at `scale` ("full" or "smoke")."""
        return importlib.import_module(f"{self.package}.defaults").TRAIN[scale]

    def data_defaults(self, scale: str) -> dict[str, Any]:
        """The data sizes of defaults.py at `scale`."""
        return importlib.import_module(f"{self.package}.defaults").DATA[scale]


def record_datasets(task: str, kinds: tuple[str, ...] = RECORD_KINDS) -> dict[str, str]:
    """The shared record readers' builders of `task`, one per input kind (`data/<kind>_records.py`
    `<kind>_<task>_datasets`)."""
    return {kind: f"metagen.data.{kind}_records:{kind}_{task}_datasets" for kind in kinds}


@cache
def tasks() -> dict[str, RuntimeTask]:
    """Every runtime task, by name: each folder under tasks/ with a row in its __init__.py."""
    return folder_rows(__package__, "TASK")


def runtime_task(name: str) -> RuntimeTask:
    if name not in tasks():
        raise ValueError(f"unknown runtime task {name!r}; known tasks: {sorted(tasks())}")
    return tasks()[name]


def datasets_ref(task: RuntimeTask, kind: str | None) -> str:
    """The data builder of `task` for input `kind`, or a ValueError naming the kinds it reads."""
    if kind is None or kind not in task.datasets:
        raise ValueError(
            f"no {task.name} data for input kind {kind!r}; {task.name} reads "
            f"{', '.join(sorted(task.datasets))}"
        )
    return task.datasets[kind]


def split_ref(ref: str) -> tuple[str, str]:
    """("metagen.tasks.language_modeling.data", "language_model_datasets") from
    "module:function"."""
    module, _, name = ref.partition(":")
    return module, name
