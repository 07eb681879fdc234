"""Text inputs as every text task's infer.py reads them: a .txt file is one input, and each row
of a .jsonl or .csv is one (its text field)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from metagen.data.synthetic_text import make_synthetic_text


def training_lines(run: Path, count: int) -> list[str]:
    """`count` lines of the synthetic text the run's built-in data is made of, each cut to the
    run's training window (in bytes, which no tokenizer reads fewer tokens than)."""
    config = json.loads((run / "code" / "config.json").read_text(encoding="utf-8"))
    window = config["scales"]["smoke"]["data"]["seq_len"]
    lines = make_synthetic_text(200 * count, 1).splitlines()[:count]
    assert len(lines) == count, "the synthetic text has too few lines"
    return [line[:window] for line in lines]


def write_texts(folder: Path, texts: list[str]) -> None:
    """The texts spread over the three kinds of file: the first as a .txt, the rest in halves
    as JSONL and CSV rows (the CSV with a column besides the text)."""
    first, rest = texts[0], texts[1:]
    (folder / "first.txt").write_text(first + "\n", encoding="utf-8")
    half = len(rest) // 2
    rows = "".join(json.dumps({"text": text}) + "\n" for text in rest[:half])
    (folder / "rows.jsonl").write_text(rows, encoding="utf-8")
    with (folder / "rows.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text"])
        writer.writeheader()
        writer.writerows({"id": i, "text": text} for i, text in enumerate(rest[half:]))
