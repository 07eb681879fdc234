"""How a user's record files (tables, series rows, texts, tagged sentences) split into
training, validation and test parts, as the spec's data section says (config keys train_file,
val_file, test_file, val_fraction, test_fraction), and what evaluate.py passes to score new
data with the trained run's settings (held_out, trained_info)."""

from pathlib import Path

from metagen.data.image_folder import split_indices
from metagen.data.records import RECORD_HELD_OUT_NAMES

# The data section's file keys, and the spec field that sets each (for messages).
DATA_FILE_FIELDS = {
    "train_file": "data.train",
    "val_file": "data.validation",
    "test_file": "data.test",
}


def data_file(cfg: dict, source: str, key: str) -> Path | None:
    """The file that the data section's `key` names, read from the data folder (the folder of
    `source` when it is a file); None when the section names none."""
    name = cfg.get(key)
    if not name:
        return None
    root = Path(source)
    folder = root if root.is_dir() else root.parent
    path = folder / str(name)
    if not path.is_file():
        raise ValueError(
            f"{path}: no such file ({DATA_FILE_FIELDS[key]} is {name!r}, read from {folder}). "
            f"Fix {DATA_FILE_FIELDS[key]}, or add the file."
        )
    return path


def split_files(cfg: dict, source: str, suffix: str) -> tuple[Path, Path | None]:
    """(training file, validation file), None for a training file split by val_fraction. A
    folder holds train<suffix> and val<suffix>, or test<suffix> as the validation file when
    the data section declares no test set; data.train and data.validation name others."""
    root = Path(source)
    train, val = data_file(cfg, source, "train_file"), data_file(cfg, source, "val_file")
    if not root.is_dir():
        return train or root, val
    if train is None:
        train = root / f"train{suffix}"
        if not train.is_file():
            raise FileNotFoundError(
                f"{root} is a folder, so it must hold train{suffix} (or the file data.train "
                f"names); found {sorted(p.name for p in root.iterdir()) or 'nothing'}. Pass one "
                f"{suffix} file to split it by val_fraction, or add the missing file."
            )
    declares_test = cfg.get("test_file") or cfg.get("test_fraction")
    names = ("val",) if declares_test else RECORD_HELD_OUT_NAMES
    found = [root / f"{name}{suffix}" for name in names if (root / f"{name}{suffix}").is_file()]
    return train, val or (found[0] if found else None)


def declared_test_file(cfg: dict, source: str, suffix: str, val: Path | None) -> Path | None:
    """The file of the user's test set: data.test's, or, with no test share declared, a
    folder's test<suffix> that is not its validation file `val`; None when the test set is
    test_fraction of the training file, or there is none."""
    named = data_file(cfg, source, "test_file")
    if named is not None or cfg.get("test_fraction"):
        return named
    folder_test = Path(source) / f"test{suffix}"
    if Path(source).is_dir() and folder_test.is_file() and val != folder_test:
        return folder_test
    return None


def split_units(
    count: int, cfg: dict, seed: int, labels=None, *, validation: bool = True
) -> tuple[list[int], list[int], list[int]]:
    """(train, validation, test) indices of `count` rows (or lists): test_fraction of them
    for testing first, then val_fraction of the rest for validation (0.2 and 0.1: 72/8/20),
    unless `validation` is False (a validation file is given)."""
    test_fraction = float(cfg.get("test_fraction") or 0.0)
    rest, test = list(range(count)), list[int]()
    if test_fraction:
        rest, test = split_indices(count, test_fraction, seed, labels)
    if not validation:
        return rest, [], test
    kept = [labels[i] for i in rest] if labels is not None else None
    train, val = split_indices(len(rest), float(cfg["val_fraction"]), seed, kept)
    return [rest[i] for i in train], [rest[i] for i in val], test


def trained_data_info(cfg: dict) -> dict | None:
    """The trained run's data_info.json, which evaluate.py passes (`trained_info`) so that new
    data is scored with the training classes and standardization; None in training."""
    info = cfg.get("trained_info")
    return info if cfg.get("held_out") and info else None


def class_index(names: list[str], labels, path, trained: bool) -> dict[str, int]:
    """Class name -> index; scoring a trained model, every held-out label must be one of its
    classes."""
    unknown = sorted(set(labels) - set(names))
    if trained and unknown:
        raise ValueError(
            f"{path}: class {unknown[0]!r} is not one the model was trained on "
            f"({', '.join(names)}). Score data of the trained classes, or retrain with it."
        )
    return {name: i for i, name in enumerate(names)}
