"""Model inputs for inference on records, read from a file in the training data's format (the
target may be left out): a CSV of rows or series, or a JSONL of texts. The standardization
and token window are the training run's, from its data_info.json."""

import json
from pathlib import Path

import numpy as np
import torch

from metagen.data.records import standardize
from metagen.data.tabular_csv import CSV_QUERY_COLUMN, csv_error, csv_lines, csv_number
from metagen.data.text_data import read_utf8_text
from metagen.data.text_records import encode_texts


def _csv_rows(path, columns: list[str] | None, keep: tuple[str, ...] = ()):
    """(values (N, F), kept columns' text, names): `columns` in order, or every column."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv_lines(path, handle)
        header = [name.strip() for name in next(rows, (0, []))[1]]
        if not header:
            raise csv_error(path, None, "the file is empty", "Write a header row, then rows")
        wanted = columns or [name for name in header if name not in keep]
        missing = [name for name in wanted + list(keep) if name not in header]
        if missing:
            raise csv_error(
                path,
                1,
                f"the header lacks {missing}",
                "Give the columns the model was trained on (the target may be left out)",
            )
        at = [header.index(name) for name in wanted]
        kept: dict[str, list[str]] = {name: [] for name in keep}
        values, names = [], []
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise csv_error(
                    path,
                    line,
                    f"the row has {len(row)} values for {len(header)} columns",
                    "Give every row one value per column",
                )
            values.append([csv_number(path, line, header[i], row[i]) for i in at])
            for name in keep:
                kept[name].append(row[header.index(name)].strip())
            names.append(f"line {line}")
    if not values:
        raise csv_error(path, None, "the file has no data rows", "Add at least one row")
    return np.array(values, np.float64), kept, names


def _tabular_inputs(path, info: dict, ranking: bool):
    keep = (CSV_QUERY_COLUMN,) if ranking else ()
    values, kept, names = _csv_rows(path, info["feature_names"], keep)
    features = standardize(values, info["feature_mean"], info["feature_std"])
    if not ranking:
        return {"features": features}, names
    lists: dict[str, list[int]] = {}
    for i, query in enumerate(kept[CSV_QUERY_COLUMN]):
        lists.setdefault(query, []).append(i)
    size = max(len(members) for members in lists.values())
    grouped = torch.zeros(len(lists), size, features.shape[1])
    labels = []
    for row, (query, members) in enumerate(lists.items()):
        grouped[row, : len(members)] = features[members]
        labels.append((query, [names[i] for i in members]))
    return {"features": grouped}, labels


def _series_inputs(path, info: dict):
    values, _, names = _csv_rows(path, info.get("feature_names"))
    if values.shape[1] != info["series_length"] * info["channels"]:
        raise csv_error(
            path,
            1,
            f"a row holds {values.shape[1]} values, the model reads "
            f"series of {info['series_length']} steps",
            "Give one series per row",
        )
    series = values.reshape(len(values), info["channels"], info["series_length"])
    return {"series": standardize(series, info["value_mean"], info["value_std"])}, names


def _jsonl_objects(path) -> list[tuple[int, dict]]:
    found = []
    for number, line in enumerate(read_utf8_text(Path(path)).splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path}:{number}: not valid JSON ({error.msg}). Write one object "
                'per line, such as {"text": "a fine film"}.'
            ) from None
        if not isinstance(record, dict):
            raise ValueError(
                f"{path}:{number}: the line is not a JSON object. Write one "
                'object per line, such as {"text": "a fine film"}.'
            )
        found.append((number, record))
    if not found:
        raise ValueError(f"{path}: the file has no records. Write one JSON object per line.")
    return found


def _text_field(path, number: int, record: dict, key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{path}:{number}: {key!r} must be non-empty text. Write lines such "
            f'as {{"{key}": "a fine film"}}.'
        )
    return value


def _text_inputs(path, info: dict, ranking: bool, tokenizer):
    seq_len, records = int(info["seq_len"]), _jsonl_objects(path)
    if not ranking:  # under the key the training records held it (data.text)
        key = info.get("text_column") or "text"
        texts = [_text_field(path, n, r, key) for n, r in records]
        ids, mask = encode_texts(texts, seq_len, tokenizer, int(info.get("chunks") or 1))
        return {"input_ids": ids, "attention_mask": mask}, [f"line {n}" for n, _ in records]
    lists = []
    for number, record in records:
        query, documents = _text_field(path, number, record, "query"), record.get("documents")
        if not isinstance(documents, list) or not documents:
            raise ValueError(f"{path}:{number}: 'documents' must be a non-empty list of texts.")
        lists.append((query, [_text_field(path, number, {"d": d}, "d") for d in documents]))
    size = max(len(docs) for _, docs in lists)
    slots: list[str | None] = []
    for query, docs in lists:  # padding slots are None: a lone bos, scored and not shown
        slots += [f"{query} | {doc}" for doc in docs]
        slots += [None] * (size - len(docs))
    ids, mask = encode_texts(slots, seq_len, tokenizer)
    inputs = {
        "input_ids": ids.reshape(len(lists), size, seq_len),
        "attention_mask": mask.reshape(len(lists), size, seq_len),
    }
    return inputs, [(query, docs) for query, docs in lists]


def record_inputs(path, info: dict, tokenizer=None) -> tuple[dict[str, torch.Tensor], list]:
    """(model inputs, a name per record) for the file at `path`; for ranking each name is
    (query, item names) and the inputs are padded lists. Texts are read by `tokenizer`
    (default: the byte tokenizer), the one the model was trained with."""
    kind, ranking = info["kind"], info["task"] == "ranking"
    if kind == "tabular":
        return _tabular_inputs(path, info, ranking)
    if kind == "series":
        return _series_inputs(path, info)
    return _text_inputs(path, info, ranking, tokenizer)
