"""Text datasets for classification, regression, embedding and ranking: synthetic sentences
whose labels depend on their words, or a user's JSONL, or for classification a CSV: a file
split by val_fraction (after test_fraction's share, held out for evaluate.py), or a folder
with train.jsonl and val.jsonl or test.jsonl (.csv alike); the data section's train_file,
val_file and test_file name other files (data/record_splits.py). Texts become tokens framed
as their tokenizer frames one text (the byte tokenizer: bos, then the UTF-8 bytes), cut to
seq_len, then padding that attention_mask hides. A classifier's seq_len is chosen from its
training texts' lengths, within the plan's."""

from pathlib import Path

import numpy as np
import torch

from metagen.data.class_count import require_two_classes
from metagen.data.record_splits import (
    class_index,
    declared_test_file,
    split_files,
    split_units,
    trained_data_info,
)
from metagen.data.records import TensorRecords, check_record_file, standardize, standardizer
from metagen.data.text_csv import LABEL_COLUMN, TEXT_COLUMN, read_text_csv
from metagen.data.text_jsonl import read_jsonl_records
from metagen.data.text_lengths import choose_seq_len
from metagen.data.text_task_synthetic import text_class_names, text_synthetic
from metagen.data.text_tokenizer import text_tokenizer, tokenizer_info
from metagen.data.tokenizer import ByteTokenizer


def encode_texts(
    texts: list, seq_len: int, tokenizer=None, chunks: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask), each (N, seq_len): each text framed (the byte tokenizer,
    the default: bos + bytes), cut and padded. An empty slot (None) is never empty (the byte
    tokenizer: a lone bos), so that no row attends to nothing. With `chunks` above 1, each
    (N, chunks, seq_len): a text's first chunks x seq_len tokens, in order, a chunk after
    another; a short text's last chunks are all padding, which the model leaves out."""
    tokenizer = tokenizer or ByteTokenizer()
    pad = tokenizer.pad_id if tokenizer.pad_id is not None else 0  # attention_mask hides it
    span = chunks * seq_len
    ids = torch.full((len(texts), span), pad, dtype=torch.long)
    mask = torch.zeros((len(texts), span), dtype=torch.long)
    for row, text in enumerate(texts):
        tokens = tokenizer.encode_framed(text or "", span)
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
    if chunks == 1:
        return ids, mask
    return ids.reshape(len(texts), chunks, seq_len), mask.reshape(len(texts), chunks, seq_len)


def _text_tensors(
    texts: list, seq_len: int, shape: tuple[int, ...], tokenizer, chunks: int = 1
) -> dict[str, torch.Tensor]:
    """Texts laid out in `shape` (pairs, lists) as input_ids and attention_mask, each text
    (chunks, seq_len) where it is read in chunks."""
    ids, mask = encode_texts(texts, seq_len, tokenizer, chunks)
    text = (seq_len,) if chunks == 1 else (chunks, seq_len)
    return {"input_ids": ids.reshape(*shape, *text), "attention_mask": mask.reshape(*shape, *text)}


def _text_suffix(task: str, cfg: dict, source: str) -> str:
    """.csv where a classifier's training file is a CSV (the file data.train names, the data
    file, or a folder's train.csv); else .jsonl."""
    if task != "classification":
        return ".jsonl"
    named = cfg.get("train_file")
    path = Path(str(named)) if named else Path(source)
    if not named and path.is_dir():
        return ".csv" if (path / "train.csv").is_file() else ".jsonl"
    return ".csv" if path.suffix.lower() == ".csv" else ".jsonl"


def _read_records(path, task: str, cfg: dict) -> list[tuple]:
    """A file's records; a text and a label are read from the columns or keys the data
    config names (text_column, label_column), `text` and `label` by default."""
    text, label = cfg.get("text_column") or TEXT_COLUMN, cfg.get("label_column") or LABEL_COLUMN
    is_csv = Path(path).suffix.lower() == ".csv"
    if is_csv and task == "classification":
        return read_text_csv(path, text, label)
    check_record_file(cfg.get("kind"), str(path))
    if is_csv:
        raise ValueError(
            f"--data {path}: a CSV of texts is read for text classification; a text {task} "
            "model reads JSONL (one JSON object per line). Convert the file, or pass a JSONL."
        )
    return read_jsonl_records(path, task, text, label)


def _text_splits(task: str, cfg: dict, source: str, seed: int, stratify: bool = False):
    """(train, held-out, (training file, held-out file)): synthetic samples, or a user's records
    split as the data section says (stratified by label where `stratify`): the training
    file less test_fraction's share, and the validation file or val_fraction's share.
    evaluate.py's held-out records: the user's test set ("test": data.test's file,
    test_fraction's share or a folder's test file; else validation's), or every record of
    the --data file ("given")."""
    if source == "synthetic":
        return (*text_synthetic(task, cfg, seed), (source, source))
    if cfg.get("held_out") == "given" and Path(source).is_file():
        records = _read_records(source, task, cfg)
        return records, records, (source, source)
    suffix = _text_suffix(task, cfg, source)
    train_path, val_path = split_files(cfg, source, suffix)
    records = _read_records(train_path, task, cfg)
    labels = [record[1] for record in records] if stratify else None
    train, val, test = split_units(len(records), cfg, seed, labels, validation=val_path is None)
    kept, trained_on = [records[i] for i in train], str(train_path)
    if cfg.get("held_out") == "test":  # evaluate.py: the test set, where there is one
        named = declared_test_file(cfg, source, suffix, val_path)
        if named is not None:
            return kept, _read_records(named, task, cfg), (trained_on, str(named))
        if test:
            return kept, [records[i] for i in test], (trained_on, f"{trained_on}'s test share")
    if val_path is not None:
        return kept, _read_records(val_path, task, cfg), (trained_on, str(val_path))
    return kept, [records[i] for i in val], (trained_on, f"{trained_on}'s validation share")


def _records_tokenizer(cfg: dict, training_texts: list[str]):
    """The byte tokenizer, or the tokenizer.json given, or a BPE trained on the training
    texts (never the held-out ones)."""
    return text_tokenizer(cfg, training_texts, ByteTokenizer())


def _text_info(cfg: dict, source: str, task: str, train, val, tokenizer) -> dict:
    return {
        "task": task,
        "kind": "text",
        "source": source,
        **tokenizer_info(tokenizer),
        "seq_len": int(cfg["seq_len"]),
        "num_train": len(train),
        "num_val": len(val),
    }


def _label_names(labels: list[str]) -> list[str]:
    names = sorted(set(labels))
    try:
        return sorted(names, key=float)
    except ValueError:
        return names


def _indexed_classes(train: list, held_out: list, files, cfg: dict):
    """(class names, train, held-out) with each label its class's index: the trained run's
    classes where evaluate.py scores new texts (each held-out label one of them), else the
    training records' (each held-out label among them). `files`: (training, held-out)."""
    held_out_labels, trained = [label for _, label in held_out], trained_data_info(cfg)
    if trained is not None:
        class_names = list(trained["class_names"])
        index = class_index(class_names, held_out_labels, files[1], True)
    else:
        class_names = _label_names([label for _, label in train])
        require_two_classes(
            class_names,
            f"{files[0]}, {cfg.get('label_column') or LABEL_COLUMN!r} of the training records",
            "Add records of the other classes.",
        )
        unseen = sorted(set(held_out_labels) - set(class_names))
        if unseen:
            raise ValueError(
                f"{files[1]}: held-out labels {unseen} never occur in the training records "
                f"({files[0]}), so the model could never predict them. Add training records "
                "of those classes, or leave them out of the held-out records."
            )
        index = {name: i for i, name in enumerate(class_names)}
    train, held_out = (
        [(text, index[label]) for text, label in split] for split in (train, held_out)
    )
    return class_names, train, held_out


def text_classification_datasets(cfg: dict, source: str, seed: int):
    train, val, files = _text_splits("classification", cfg, source, seed, stratify=True)
    trained = trained_data_info(cfg)  # evaluate.py scoring new texts: the run's classes
    if source == "synthetic":
        class_names = text_class_names(int(cfg["num_classes"]))
    else:
        class_names, train, val = _indexed_classes(train, val, files, cfg)
    texts = [[text for text, _ in split] for split in (train, val)]
    tokenizer = _records_tokenizer(cfg, texts[0])
    notes: list[str] = []
    chunks = int(cfg.get("chunks") or 1)  # data.chunks: a text is read in chunks of seq_len
    if trained is not None:  # the length the model was trained at
        seq_len = int(trained["seq_len"])
    else:
        cap = int(cfg["seq_len"])
        seq_len, notes = choose_seq_len(texts[0], texts[1], tokenizer, cap, chunks)
    datasets = []
    for split, split_texts in zip((train, val), texts, strict=True):
        tensors = _text_tensors(split_texts, seq_len, (len(split),), tokenizer, chunks)
        tensors["labels"] = torch.tensor([label for _, label in split], dtype=torch.long)
        datasets.append(TensorRecords(tensors))
    info = _text_info(
        {**cfg, "seq_len": seq_len}, source, "classification", datasets[0], datasets[1], tokenizer
    )
    info.update(
        num_classes=len(class_names),
        class_names=class_names,
        text_column=cfg.get("text_column") or TEXT_COLUMN,  # where infer.py reads the text
        chunks=chunks,  # how infer.py lays out a text
        truncation_notes=notes,  # train.py prints them
        fit_dims={"num_outputs": len(class_names)},
    )
    if tokenizer.name == "word":  # the embedding has a row per word the training texts hold
        info["fit_dims"]["vocab_size"] = tokenizer.vocab_size
    return datasets[0], datasets[1], info


def text_regression_datasets(cfg: dict, source: str, seed: int):
    train, val, _ = _text_splits("regression", cfg, source, seed)
    trained = trained_data_info(cfg)  # evaluate.py scoring new texts: the run's target scale
    if trained is not None:
        mean, std = np.asarray(trained["target_mean"]), np.asarray(trained["target_std"])
    else:
        mean, std = standardizer(np.array([[score] for _, score in train]))
    tokenizer = _records_tokenizer(cfg, [text for text, _ in train])
    datasets = []
    for split in (train, val):
        texts = [text for text, _ in split]
        tensors = _text_tensors(texts, int(cfg["seq_len"]), (len(split),), tokenizer)
        tensors["targets"] = standardize(np.array([[score] for _, score in split]), mean, std)
        tensors["target_scale"] = torch.full_like(tensors["targets"], float(std[0]))
        datasets.append(TensorRecords(tensors))
    info = _text_info(cfg, source, "regression", datasets[0], datasets[1], tokenizer)
    info.update(
        target_mean=mean.tolist(),
        target_std=std.tolist(),
        target_names=["label"],
        text_column=cfg.get("text_column") or TEXT_COLUMN,  # where infer.py reads the text
        fit_dims={"num_outputs": 1},
    )
    return datasets[0], datasets[1], info


def text_embedding_datasets(cfg: dict, source: str, seed: int):
    train, val, _ = _text_splits("embedding", cfg, source, seed)
    if source != "synthetic":  # every user pair is its own group: only its partner matches
        train, val = ([(a, b, i) for i, (a, b) in enumerate(split)] for split in (train, val))
    tokenizer = _records_tokenizer(cfg, [text for a, b, _ in train for text in (a, b)])
    datasets = []
    for split in (train, val):
        texts = [text for a, b, _ in split for text in (a, b)]
        tensors = _text_tensors(texts, int(cfg["seq_len"]), (len(split), 2), tokenizer)
        tensors["labels"] = torch.tensor([group for _, _, group in split], dtype=torch.long)
        datasets.append(TensorRecords(tensors))
    info = _text_info(cfg, source, "embedding", datasets[0], datasets[1], tokenizer)
    info["text_column"] = cfg.get("text_column") or TEXT_COLUMN  # where infer.py reads the text
    return datasets[0], datasets[1], info


def _ranking_texts(lists: list, seq_len: int, size: int, tokenizer) -> dict[str, torch.Tensor]:
    """Each list's "query | document" texts, padded to `size` documents with grade -1."""
    texts, grades = [], np.full((len(lists), size), -1.0, np.float32)
    for row, (query, documents, relevance) in enumerate(lists):
        texts += [f"{query} | {doc}" for doc in documents] + [None] * (size - len(documents))
        grades[row, : len(relevance)] = relevance
    tensors = _text_tensors(texts, seq_len, (len(lists), size), tokenizer)
    tensors["targets"] = torch.from_numpy(grades)
    return tensors


def text_ranking_datasets(cfg: dict, source: str, seed: int):
    train, val, _ = _text_splits("ranking", cfg, source, seed)
    size = max(len(documents) for _, documents, _ in train + val)
    tokenizer = _records_tokenizer(cfg, [f"{q} | {doc}" for q, docs, _ in train for doc in docs])
    train_ds, val_ds = (
        TensorRecords(_ranking_texts(split, int(cfg["seq_len"]), size, tokenizer))
        for split in (train, val)
    )
    info = _text_info(cfg, source, "ranking", train_ds, val_ds, tokenizer)
    info.update(list_size=size, fit_dims={"num_outputs": 1})
    return train_ds, val_ds, info


TEXT_RECORD_BUILDERS = {
    "classification": text_classification_datasets,
    "regression": text_regression_datasets,
    "embedding": text_embedding_datasets,
    "ranking": text_ranking_datasets,
}
