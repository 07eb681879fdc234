"""Read a user's JSONL for text tasks: one JSON object per line. A malformed file is a
ValueError that names the file, the line, what is wrong and what a line should look like.

    classification  {"text": "a fine film", "label": "positive"}   (label: text or integer)
    regression      {"text": "a fine film", "label": 4.5}
    embedding       {"text": "a fine film", "positive": "a good movie"}
    ranking         {"query": "film", "documents": ["...", "..."], "relevance": [2, 0]}
"""

import json
import math
from pathlib import Path

# What one line holds, per task: the example shown in every error message.
JSONL_EXAMPLES = {
    "classification": '{"text": "a fine film", "label": "positive"}',
    "regression": '{"text": "a fine film", "label": 4.5}',
    "embedding": '{"text": "a fine film", "positive": "a good movie"}',
    "ranking": '{"query": "film", "documents": ["a fine film", "rain"], "relevance": [2, 0]}',
}


def jsonl_error(path, line: int | None, problem: str, task: str) -> ValueError:
    where = f"{path}:{line}" if line is not None else str(path)
    return ValueError(
        f"{where}: {problem}. Each line must be one JSON object such as {JSONL_EXAMPLES[task]}."
    )


def _text(path, line: int, record: dict, key: str, task: str) -> str:
    if key not in record:
        raise jsonl_error(
            path, line, f"the object has no {key!r} key (keys: {', '.join(record) or 'none'})", task
        )
    value = record[key]
    if not isinstance(value, str) or not value.strip():
        raise jsonl_error(path, line, f"{key!r} must be non-empty text, got {value!r:.60}", task)
    return value


def _number(path, line: int, value, what: str, task: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise jsonl_error(path, line, f"{what} must be a finite number, got {value!r:.60}", task)
    return float(value)


def _label(path, line: int, record: dict, task: str, key: str = "label"):
    if key not in record:
        raise jsonl_error(
            path, line, f"the object has no {key!r} key (keys: {', '.join(record) or 'none'})", task
        )
    value = record[key]
    if task == "regression":
        return _number(path, line, value, repr(key), task)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise jsonl_error(
            path, line, f"{key!r} must be a class name or integer, got {value!r:.60}", task
        )
    return str(value)


def _ranking_list(path, line: int, record: dict, task: str) -> tuple[str, list[str], list[float]]:
    query = _text(path, line, record, "query", task)
    documents, relevance = record.get("documents"), record.get("relevance")
    if not isinstance(documents, list) or not documents:
        raise jsonl_error(path, line, "'documents' must be a non-empty list of texts", task)
    if not isinstance(relevance, list) or len(relevance) != len(documents):
        raise jsonl_error(
            path,
            line,
            f"'relevance' must be a list with one grade per document ({len(documents)})",
            task,
        )
    docs = [_text(path, line, {"document": d}, "document", task) for d in documents]
    grades = [_number(path, line, g, "every relevance grade", task) for g in relevance]
    if min(grades) < 0:
        raise jsonl_error(path, line, "relevance grades must be 0 or more", task)
    return query, docs, grades


def read_jsonl_records(
    path, task: str, text_key: str = "text", label_key: str = "label"
) -> list[tuple]:
    """One tuple per line: (text, label) for classification and regression (under the keys
    `text_key` and `label_key`), (text, positive) for embedding (the text under `text_key`),
    (query, documents, grades) for ranking."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise jsonl_error(
            path, None, f"the file is not UTF-8 text ({error.reason})", task
        ) from None
    records: list[tuple] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise jsonl_error(
                path, number, f"not valid JSON ({error.msg} at column {error.colno})", task
            ) from None
        if not isinstance(record, dict):
            raise jsonl_error(
                path, number, f"the line is a JSON {type(record).__name__}, not an object", task
            )
        if task == "ranking":
            records.append(_ranking_list(path, number, record, task))
        elif task == "embedding":
            records.append(
                (
                    _text(path, number, record, text_key, task),
                    _text(path, number, record, "positive", task),
                )
            )
        else:
            records.append(
                (
                    _text(path, number, record, text_key, task),
                    _label(path, number, record, task, label_key),
                )
            )
    if len(records) < 2:
        raise jsonl_error(
            path, None, f"the file has {len(records)} record(s); training needs at least two", task
        )
    return records
