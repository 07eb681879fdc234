"""The run a server predicts with: its own infer.py, imported with RUN/code on sys.path, its
model loaded once by infer's `load` and predicted by infer's `predict`. `metagen predict` runs
the same file as a process: one code path for both."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# what infer.py must define to be served (the prediction protocol of data/prediction_io.py)
PROTOCOL = ("SUFFIXES", "parse_args", "load", "predict")


@dataclass(frozen=True)
class ServedRun:
    name: str
    task: str
    suffixes: tuple[str, ...]  # the input files infer.py reads
    loaded: dict  # what infer's load returned: the model and what its data taught it
    predict: Callable[[dict, list[Path], Path], list[dict]]  # infer's predict
    parameters: int

    def predict_batch(self, files: list[Path], folder: Path) -> list[dict]:
        return self.predict(self.loaded, files, folder)


def count_parameters(loaded: dict) -> int:
    """The parameters of every model infer's load returned, each counted once."""
    import torch

    seen = {id(p): p.numel() for m in loaded.values() if isinstance(m, torch.nn.Module)
            for p in m.parameters()}  # fmt: skip
    return sum(seen.values())


def import_infer(code: Path):
    """The package's infer module, imported as infer.py imports its neighbours (data, model)."""
    sys.path.insert(0, str(code))
    try:
        return importlib.import_module("infer")
    except ImportError as error:
        raise ValueError(f"{code / 'infer.py'} cannot be imported ({error}); install what "
                         f"{code / 'requirements.txt'} lists") from None  # fmt: skip


def load_run(run_dir: Path, scale: str | None) -> ServedRun:
    """The trained run at `scale` (default: the last trained), ready to predict. Bad input
    (no such run, an infer.py that predicts one file per call) raises ValueError or RunError."""
    from metagen.report.run_record import read_run

    record = read_run(run_dir, scale)
    code = (run_dir / "code").resolve()
    if not (code / "infer.py").is_file():
        raise ValueError(f"{run_dir} has no code/infer.py; pass a folder written by "
                         "`metagen train`")  # fmt: skip
    infer = import_infer(code)
    missing = [name for name in PROTOCOL if not hasattr(infer, name)]
    if missing:
        raise ValueError(f"{code / 'infer.py'} has no {', '.join(missing)}: it is not yet "
                         "written to the batch protocol that serve imports "
                         "(SUFFIXES, parse_args, load, predict)")  # fmt: skip
    loaded = infer.load(infer.parse_args(["--checkpoint", str(record.out.resolve())]))
    return ServedRun(name=record.name, task=str(record.plan["task"]),
                     suffixes=tuple(infer.SUFFIXES), loaded=loaded, predict=infer.predict,
                     parameters=count_parameters(loaded))  # fmt: skip
