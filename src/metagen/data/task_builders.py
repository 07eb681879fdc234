"""Datasets of the record tasks (classification of rows, texts and series; regression,
embedding, ranking) by input kind: synthetic data or a user's CSV or JSONL file."""

from pathlib import Path

from metagen.data.series_records import SERIES_RECORD_BUILDERS
from metagen.data.tabular_records import TABULAR_RECORD_BUILDERS
from metagen.data.text_records import TEXT_RECORD_BUILDERS

RECORD_BUILDERS = {
    "tabular": TABULAR_RECORD_BUILDERS,
    "text": TEXT_RECORD_BUILDERS,
    "series": SERIES_RECORD_BUILDERS,
}
# The file a user's data comes in, per input kind (or a folder with train and val files).
RECORD_SUFFIXES = {"tabular": ".csv", "text": ".jsonl", "series": ".csv"}


def record_datasets(task: str, cfg: dict, source: str, seed: int):
    """(train, val, info) of `task` for the input kind cfg["kind"]."""
    kind = cfg.get("kind")
    builders = RECORD_BUILDERS.get(kind, {})
    if task not in builders:
        raise ValueError(
            f"no {task} data for input kind {kind!r}; {task} reads "
            f"{', '.join(k for k, b in RECORD_BUILDERS.items() if task in b)}"
        )
    path, suffix = Path(source), RECORD_SUFFIXES[kind]
    if source != "synthetic" and path.is_file() and path.suffix.lower() != suffix:
        given = path.suffix or "a file without a suffix"
        raise ValueError(
            f"--data {source}: a {kind} model reads a {suffix} file (or a folder "
            f"with train{suffix} and val{suffix}), not {given}. Convert the data, "
            "or pass the right file."
        )
    return builders[task](cfg, source, seed)


def build_record_classification(cfg: dict, source: str, seed: int):
    return record_datasets("classification", cfg, source, seed)


def build_regression_records(cfg: dict, source: str, seed: int):
    return record_datasets("regression", cfg, source, seed)


def build_embedding_records(cfg: dict, source: str, seed: int):
    return record_datasets("embedding", cfg, source, seed)


def build_ranking_records(cfg: dict, source: str, seed: int):
    return record_datasets("ranking", cfg, source, seed)


# data/builders.py DATASET_BUILDERS entries of the record tasks.
RECORD_TASK_BUILDERS = {
    "regression": build_regression_records,
    "embedding": build_embedding_records,
    "ranking": build_ranking_records,
}
