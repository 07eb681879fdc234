"""How many labelled texts a spec's data holds for training, counted at planning time, and
the family that size calls for: a transformer trained from scratch overtakes a bag of n-grams
only on very large sets. Published comparisons on the same data (Joulin et al. 2017, "Bag of
Tricks for Efficient Text Classification", table 1, against Conneau et al.'s deep CNN, VDCNN)
put the crossover near a million labelled texts: fastText is within a point up to Yelp's 560k
and 650k texts, and 1 to 3 points behind from Yahoo Answers' 1.4M to Amazon's 3M and 3.6M.
Such a set trains for days on a CPU.

Pure Python: `metagen plan` runs without torch."""

from __future__ import annotations

import csv
from pathlib import Path

# Labelled training texts from which, on an accelerator, the transformer is the default.
LARGE_TEXT_SET = 1_000_000
TEXT_SUFFIXES = (".jsonl", ".csv")


def training_file(path: Path, train_name: str | None) -> Path | None:
    """The file training reads: data.train's (in the data folder) or the folder's train.jsonl
    or train.csv, or the data file itself; None for anything else."""
    folder = path if path.is_dir() else path.parent
    if train_name:
        return folder / train_name
    if path.is_file():
        return path
    found = [path / f"train{suffix}" for suffix in TEXT_SUFFIXES]
    return next((file for file in found if file.is_file()), None)


def count_texts(file: Path, at_most: int) -> int:
    """Records in a JSONL (non-empty lines) or CSV (rows after the header; a quoted text may
    span lines), counted up to `at_most`."""
    count = 0
    with file.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = csv.reader(handle) if file.suffix.lower() == ".csv" else handle
        if file.suffix.lower() == ".csv":
            next(rows, None)  # the header
        for row in rows:
            count += bool(row if isinstance(row, list) else row.strip())
            if count >= at_most:
                break
    return count


def training_text_count(data_path: str | None, train_name: str | None, at_most: int) -> int | None:
    """How many texts (up to `at_most`) the training file holds; None without a data path or
    a readable JSONL or CSV training file (train.py reports a bad one)."""
    if not data_path:
        return None
    file = training_file(Path(data_path), train_name)
    if file is None or file.suffix.lower() not in TEXT_SUFFIXES or not file.is_file():
        return None
    try:
        return count_texts(file, at_most)
    except (OSError, csv.Error):
        return None
