"""Atomic checkpoints: safetensors weights plus optimizer, step, config and RNG states."""

import os
import pickle
import shutil
from pathlib import Path

import torch

from metagen.train.atomic import atomic_replace_dir
from metagen.train.rng import restore_rng_states, rng_states

WEIGHTS_FILE = "model.safetensors"
STATE_FILE = "state.pt"


class CheckpointLoadError(ValueError):
    """A checkpoint that cannot be loaded; the message names the file and what to do."""


def unwrap_model(model: torch.nn.Module) -> torch.nn.Module:
    """The plain module under DDP and torch.compile wrappers (no `_orig_mod.` prefixes)."""
    while True:
        if isinstance(model, torch.nn.parallel.DistributedDataParallel):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model.get_submodule("_orig_mod")
        else:
            return model


def save_checkpoint(
    directory, model, optimizer, step: int, config: dict, extra=None, name="latest"
):
    """Write `directory/name/` atomically; a crash mid-save leaves the previous one intact."""
    from safetensors.torch import save_model

    target = Path(directory) / name
    tmp = target.with_name(f".{name}.tmp-{os.getpid()}")
    # One process writes a run's checkpoints, so every other temp folder is a killed save's.
    for stale in target.parent.glob(f".{name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        # drops tied duplicates, and writes channels-last weights in the usual NCHW order
        save_model(unwrap_model(model), str(tmp / WEIGHTS_FILE), force_contiguous=True)
        optimizer_state = optimizer.state_dict() if optimizer is not None else None
        state = {"step": step, "config": config, "extra": extra or {}, "rng": rng_states()}
        torch.save({**state, "optimizer": optimizer_state}, tmp / STATE_FILE)
        atomic_replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def find_checkpoint(directory, name: str = "latest") -> Path | None:
    """`directory/name`, or the complete previous copy if a save died between two renames."""
    directory = Path(directory)
    for candidate in (directory / name, directory / f".{name}.old"):
        if (candidate / WEIGHTS_FILE).is_file() and (candidate / STATE_FILE).is_file():
            return candidate
    return None


def load_checkpoint(directory, *, model, optimizer=None, name="latest", restore_rng=True) -> dict:
    """Load weights (and optimizer, RNG) in place; return step, config and extra. Only tensors
    and plain data are unpickled; a damaged, hostile or foreign file is a CheckpointLoadError."""
    from safetensors import SafetensorError
    from safetensors.torch import load_model

    path = find_checkpoint(directory, name)
    if path is None:
        raise FileNotFoundError(
            f"no complete checkpoint {name!r} in {directory}; train first or check the path."
        )
    failures = (SafetensorError, pickle.UnpicklingError, EOFError, OSError, RuntimeError)
    file = path / WEIGHTS_FILE
    try:
        load_model(unwrap_model(model), str(file))
        file = path / STATE_FILE
        state = torch.load(file, map_location="cpu", weights_only=True)
        if optimizer is not None and state["optimizer"] is not None:
            optimizer.load_state_dict(state["optimizer"])
        if restore_rng:
            restore_rng_states(state["rng"])
        return {"step": int(state["step"]), "config": state["config"], "extra": state["extra"]}
    except (*failures, LookupError, TypeError, ValueError) as error:
        raise CheckpointLoadError(
            f"cannot load {file}: {_load_failure(error)}. Use a complete checkpoint that this "
            "package's train.py wrote, or train again into a new --out."
        ) from None


def check_checkpoint(directory, name: str = "latest") -> None:
    """Refuse a damaged or hostile checkpoint before the data and the model are built, so
    that --resume fails fast and small: its weights file's header reads and its state
    unpickles weights-only. No checkpoint: nothing to check."""
    from safetensors import SafetensorError, safe_open

    path = find_checkpoint(directory, name)
    if path is None:
        return
    file = path / WEIGHTS_FILE
    try:
        with safe_open(str(file), framework="pt") as weights:
            weights.keys()
        file = path / STATE_FILE
        state = torch.load(file, map_location="cpu", weights_only=True)
        int(state["step"]), state["rng"], state["extra"]  # the parts a resume reads
    except (SafetensorError, pickle.UnpicklingError, EOFError, OSError, RuntimeError,
            LookupError, TypeError, ValueError) as error:  # fmt: skip
        raise CheckpointLoadError(
            f"cannot load {file}: {_load_failure(error)}. Use a complete checkpoint that this "
            "package's train.py wrote, or train again into a new --out."
        ) from None


def _load_failure(error: BaseException) -> str:
    text = " ".join(str(error).split()).split(". ")[0][:300]  # torch's advice after it misleads
    reason = f"{type(error).__name__}: {text}" if text else type(error).__name__
    if isinstance(error, pickle.UnpicklingError):  # weights_only's refusal, or a broken pickle
        return "it is refused: it holds more than tensors and data (loading could run code)"
    if "loading state_dict" in reason:  # load_state_dict: names or shapes not the model's
        return f"its tensors do not fit this model ({reason}): another spec, scale or dataset's"
    return f"it is damaged ({reason})"
