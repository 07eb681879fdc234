"""Record files for the infer.py of a model trained on records (tabular rows, series rows,
texts), in the training data's format: what the classifier, regressor, embedder and ranker
writers share."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

ROWS_PER_FILE = 2  # files of several records, so that a record's row id is path:LINE
WORDS = ("the", "film", "was", "lovely", "dull", "and", "the", "cast", "superb", "poor")


def run_info(run: Path) -> dict:
    return json.loads((run / "train" / "smoke" / "data_info.json").read_text(encoding="utf-8"))


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _sentence(rng: np.random.Generator) -> str:
    return " ".join(rng.choice(WORDS, size=int(rng.integers(4, 9))))


def _spans(count: int) -> list[range]:
    return [range(i, min(i + ROWS_PER_FILE, count)) for i in range(0, count, ROWS_PER_FILE)]


def write_record_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` records in `folder` for a records run; the number of predictions they get (a
    row per record: per tabular ranking item, per text ranking list)."""
    info, rng = run_info(run), np.random.default_rng(0)
    ranking = info["task"] == "ranking"
    if info["kind"] == "tabular":
        header = info["feature_names"] + (["query_id"] if ranking else [])
        for n, span in enumerate(_spans(count)):  # a ranker's file is one query's list
            rows = [list(rng.normal(size=len(info["feature_names"]))) + ([f"q{n}"] if ranking else [])
                    for _ in span]  # fmt: skip
            _write_csv(folder / f"{n}.csv", header, rows)
        return count
    if info["kind"] == "series":
        steps, channels = info["series_length"], info["channels"]
        header = [f"c{c}_t{t}" for c in range(channels) for t in range(steps)]
        for n, span in enumerate(_spans(count)):
            phase = rng.uniform(0, 2 * np.pi, size=(len(span), channels, 1))
            series = np.sin(np.linspace(0, 4 * np.pi, steps) + phase)  # (rows, C, T)
            _write_csv(folder / f"{n}.csv", header, series.reshape(len(span), -1).tolist())
        return count
    if info["kind"] != "text":
        raise NotImplementedError(f"no record inputs for kind {info['kind']}")
    if ranking:  # a list per JSONL line: the query and its documents
        lines = [{"query": _sentence(rng), "documents": [_sentence(rng) for _ in range(3)]}
                 for _ in range(count)]  # fmt: skip
        (folder / "lists.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
        return count
    # the three text inputs: a .txt a text, a JSONL's and a CSV's rows a text each
    (folder / "lines.jsonl").write_text(json.dumps({"text": _sentence(rng)}) + "\n\n", "utf-8")
    _write_csv(folder / "rows.csv", ["id", "text"], [[1, _sentence(rng)]])
    for n in range(count - 2):
        (folder / f"{n}.txt").write_text(_sentence(rng) + "\n" + _sentence(rng), "utf-8")
    return count
