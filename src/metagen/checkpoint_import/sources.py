"""Read a checkpoint from disk without running any of its code: a Hugging Face folder
(config.json with model.safetensors, a sharded safetensors index, or pytorch_model.bin) or a
single weights file. Pickles load with `weights_only=True`, so a planted object is refused."""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = "config.json"
TOKENIZER_FILE = "tokenizer.json"
SAFETENSORS_FILE = "model.safetensors"
SAFETENSORS_INDEX = "model.safetensors.index.json"
PICKLE_FILE = "pytorch_model.bin"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")
MAX_CONFIG_BYTES = 1 << 20  # a config.json is a few KB; refuse anything that is not one


class CheckpointError(ValueError):
    """A checkpoint that cannot be read or mapped; the message names the file and the fix."""


@dataclass
class Checkpoint:
    """What a checkpoint holds: its tensors, its config (a HF folder's config.json, else
    empty) and where its tokenizer.json lies, if it has one."""

    path: Path
    tensors: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    tokenizer: Path | None = None


def read_checkpoint(path: Path) -> Checkpoint:
    """A Hugging Face folder, or one weights file (.safetensors, .bin, .pt, .pth)."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(
            f"{path} does not exist. Pass a Hugging Face checkpoint folder (config.json and "
            "model.safetensors) or a single weights file."
        )
    if path.is_dir():
        return _read_folder(path)
    if path.suffix not in WEIGHT_SUFFIXES:
        raise CheckpointError(
            f"{path} is not a weights file ({', '.join(WEIGHT_SUFFIXES)}). Pass one of those, "
            "or a Hugging Face checkpoint folder."
        )
    return Checkpoint(path, read_tensors(path))


def _read_folder(folder: Path) -> Checkpoint:
    config_path = folder / CONFIG_FILE
    if not config_path.is_file():
        raise CheckpointError(
            f"{folder} has no {CONFIG_FILE}, so its architecture is unknown. Pass a Hugging Face "
            "checkpoint folder, or a single weights file with --variant."
        )
    config = read_config(config_path)
    tokenizer = folder / TOKENIZER_FILE
    return Checkpoint(
        folder,
        _folder_tensors(folder),
        config,
        tokenizer if tokenizer.is_file() else None,
    )


def read_config(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise CheckpointError(f"{path} is over {MAX_CONFIG_BYTES} bytes; it is not a config.json.")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(
            f"{path} is not valid JSON ({error}); re-save the checkpoint."
        ) from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} holds a {type(config).__name__}, not a JSON object.")
    return config


def _folder_tensors(folder: Path) -> dict[str, Any]:
    if (folder / SAFETENSORS_FILE).is_file():
        return read_tensors(folder / SAFETENSORS_FILE)
    if (folder / SAFETENSORS_INDEX).is_file():
        return _sharded_tensors(folder, folder / SAFETENSORS_INDEX)
    if (folder / PICKLE_FILE).is_file():
        return read_tensors(folder / PICKLE_FILE)
    raise CheckpointError(
        f"{folder} has no weights: expected {SAFETENSORS_FILE}, {SAFETENSORS_INDEX} or "
        f"{PICKLE_FILE}."
    )


def _sharded_tensors(folder: Path, index_path: Path) -> dict[str, Any]:
    weight_map = read_config(index_path).get("weight_map")
    if not isinstance(weight_map, dict) or not weight_map:
        raise CheckpointError(f"{index_path} has no weight_map; re-save the checkpoint.")
    tensors: dict[str, Any] = {}
    for shard in sorted(set(weight_map.values())):
        shard_path = folder / str(shard)
        if Path(str(shard)).name != str(shard) or not shard_path.is_file():
            raise CheckpointError(f"{index_path} names shard {shard!r}, which is not in {folder}.")
        tensors.update(read_tensors(shard_path))
    missing = sorted(set(weight_map) - set(tensors))
    if missing:
        raise CheckpointError(f"{index_path} lists {missing[0]!r}, which no shard holds.")
    return tensors


def read_tensors(path: Path) -> dict[str, Any]:
    """The tensors of one file: safetensors, or a pickled state_dict loaded weights-only."""
    import torch
    from safetensors import SafetensorError

    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(
            f"cannot read {path}: it is a damaged pickle, or one that holds more than tensors "
            "and would run code if loaded, so it is refused. Convert the checkpoint to "
            "safetensors from a source you trust."
        ) from None
    except (OSError, RuntimeError, ValueError, EOFError, SafetensorError) as error:
        raise CheckpointError(
            f"cannot read {path} ({_first_line(error)}): the file is damaged or not a weights "
            "file. Download or export it again."
        ) from None
    return _state_dict(loaded, path)


def _state_dict(loaded: Any, path: Path) -> dict[str, Any]:
    import torch

    # timm and torchvision save the state_dict itself; training scripts often wrap it.
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(loaded, dict) and isinstance(loaded.get(key), dict):
            loaded = loaded[key]
    if not isinstance(loaded, dict) or not all(torch.is_tensor(v) for v in loaded.values()):
        raise CheckpointError(f"{path} does not hold a state_dict (a mapping of names to tensors).")
    return dict(loaded)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
