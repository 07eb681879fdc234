"""Records: datasets held as aligned tensors (tabular rows, tokenized texts, series), the
standardization they share, and the split of a user's file into train and held-out parts."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

# Names of a held-out file beside train.<ext> in a data folder, in the order they are tried.
RECORD_HELD_OUT_NAMES = ("val", "test")
# A feature whose spread is below this is constant: it is centred but not scaled.
RECORD_MIN_STD = 1e-8


class TensorRecords(Dataset):
    """Sample i is {key: tensor[i]} for every key; every tensor has the same first size."""

    def __init__(self, tensors: dict[str, torch.Tensor]) -> None:
        sizes = {key: len(value) for key, value in tensors.items()}
        if len(set(sizes.values())) != 1:
            raise ValueError(f"record tensors differ in length: {sizes}")
        self.tensors = tensors

    def __len__(self) -> int:
        return len(next(iter(self.tensors.values())))

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {key: value[index] for key, value in self.tensors.items()}


def standardizer(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column (mean, std) of `values` (N, ..., D) over every axis but the last; a constant
    column gets std 1 so it is centred, not blown up."""
    axes = tuple(range(values.ndim - 1))
    mean = values.mean(axis=axes)
    std = values.std(axis=axes)
    return mean, np.where(std < RECORD_MIN_STD, 1.0, std)


def standardize(values: np.ndarray, mean, std) -> torch.Tensor:
    return torch.from_numpy(((values - np.asarray(mean)) / np.asarray(std)).astype(np.float32))


def record_split_files(source: str, suffix: str) -> tuple[Path, Path] | None:
    """(train, held-out) files when `source` is a folder with train<suffix> and val<suffix>
    (or test<suffix>); None when it is a single file, which the caller splits."""
    root = Path(source)
    if not root.is_dir():
        return None
    train = root / f"train{suffix}"
    held_out = [root / f"{name}{suffix}" for name in RECORD_HELD_OUT_NAMES]
    found = [path for path in held_out if path.is_file()]
    if not train.is_file() or not found:
        raise FileNotFoundError(
            f"{root} is a folder, so it must hold train{suffix} and val{suffix} (or "
            f"test{suffix}); found {sorted(p.name for p in root.iterdir()) or 'nothing'}. Pass "
            f"one {suffix} file to split it by val_fraction, or add the missing file."
        )
    return train, found[0]


# The file a user's records come in, per input kind (or a folder with train and val files).
RECORD_SUFFIXES = {"tabular": ".csv", "text": ".jsonl", "series": ".csv"}


def check_record_file(kind: str | None, source: str) -> None:
    """A record file of the wrong type is a clear error before any parsing."""
    path, suffix = Path(source), RECORD_SUFFIXES.get(str(kind))
    if suffix is None or source == "synthetic" or not path.is_file():
        return
    if path.suffix.lower() != suffix:
        given = path.suffix or "a file without a suffix"
        raise ValueError(
            f"--data {source}: a {kind} model reads a {suffix} file (or a folder "
            f"with train{suffix} and val{suffix}), not {given}. Convert the data, "
            "or pass the right file."
        )
