"""(train, held-out, info) for a task: its data builder with the data config's defaults."""

from pathlib import Path

# Used only where data_cfg leaves a key out or null; the spec schema normally fills them.
DATA_DEFAULTS = {
    "val_fraction": 0.1,
    "stride": None,
    "synthetic_chars": 200_000,
    "channels": 3,
    "num_classes": 12,
    "num_train": 5000,
    "num_val": 1000,
}
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


def build_datasets(builder, data_cfg: dict, source: str = "synthetic", seed: int = 0):
    """(train, val, info) from `builder(cfg, source, seed)`; `source` is "synthetic" or a
    file/folder path."""
    cfg = {**DATA_DEFAULTS, **{k: v for k, v in data_cfg.items() if v is not None}}
    check_record_file(cfg.get("kind"), str(source))
    return builder(cfg, str(source), seed)
