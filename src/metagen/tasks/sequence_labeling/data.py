"""Sequence-labelling data: sentences as hashed word ids with one tag id per word.

Words map to ids by CRC-32 into vocab_size - 1 buckets (0 is padding), case kept: no
vocabulary file, the same id in training and at inference (rare collisions share an id).
Tags follow one scheme (tasks/sequence_labeling/evaluate.py): O is 0, entity type k is
B = 2k + 1 and I = 2k + 2, types in sorted order. User data is JSONL, one sentence per line:
{"tokens": ["Ada", "lives", "in", "Paris"], "tags": ["B-PER", "O", "O", "B-LOC"]}: a file
(its last test_fraction held out for testing, then the last val_fraction of the rest) or a
folder with train.jsonl and val.jsonl (or test.jsonl); the data section's train_file, val_file
and test_file name other files (data/record_splits.py).
"""

import json
import zlib
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.record_splits import declared_test_file, split_files, trained_data_info
from metagen.tasks.sequence_labeling.data_synthetic import NER_TYPES, synthetic_tagged_sentence

TAGGING_EXAMPLE = (
    '{"tokens": ["Ada", "lives", "in", "Paris"], "tags": ["B-PER", "O", "O", "B-LOC"]}'
)


def word_id(word: str, vocab_size: int) -> int:
    return 1 + zlib.crc32(word.encode("utf-8")) % (vocab_size - 1)


def bio_tag_names(entity_types: list[str]) -> list[str]:
    """Tag names in id order: O, then B- and I- of each type."""
    return ["O"] + [f"{prefix}-{kind}" for kind in entity_types for prefix in ("B", "I")]


def _error(path, line: int | None, problem: str) -> ValueError:
    where = f"{path} line {line}" if line is not None else str(path)
    return ValueError(
        f"{where}: {problem}. Each line must be one JSON object such as "
        f"{TAGGING_EXAMPLE} (BIO tags: O, B-TYPE, I-TYPE)."
    )


def _check_sentence(path, line: int, record) -> tuple[list[str], list[str]]:
    if not isinstance(record, dict) or "tokens" not in record or "tags" not in record:
        raise _error(path, line, "the line needs an object with 'tokens' and 'tags'")
    tokens, tags = record["tokens"], record["tags"]
    for key, values in (("tokens", tokens), ("tags", tags)):
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v for v in values)
        ):
            raise _error(path, line, f"'{key}' must be a non-empty list of non-empty strings")
    if len(tokens) != len(tags):
        raise _error(
            path, line, f"{len(tokens)} tokens but {len(tags)} tags; give one tag per token"
        )
    for position, tag in enumerate(tags):
        if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
            raise _error(
                path,
                line,
                f"tag {tag!r} (token {position + 1}, {tokens[position]!r}) is not a BIO tag",
            )
    return tokens, tags


def read_tagged_jsonl(path) -> list[tuple[list[str], list[str]]]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no such file; sequence labelling reads a .jsonl file "
            "or a folder with train.jsonl and val.jsonl"
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise _error(path, None, f"the file is not UTF-8 text ({error.reason})") from None
    sentences = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise _error(
                path, number, f"not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        sentences.append(_check_sentence(path, number, record))
    if not sentences:
        raise _error(path, None, "the file holds no sentences")
    return sentences


class TaggedSentences(Dataset):
    """Sentences as word ids (seq_len,) right-padded with 0, and tag ids with -100 there."""

    def __init__(
        self,
        sentences: list[tuple[list[str], list[str]]],
        tag_names: list[str],
        seq_len: int,
        vocab_size: int,
    ):
        index = {name: i for i, name in enumerate(tag_names)}
        self.items = []
        for tokens, tags in sentences:
            ids = np.zeros(seq_len, dtype=np.int64)
            targets = np.full(seq_len, -100, dtype=np.int64)
            n = min(len(tokens), seq_len)
            ids[:n] = [word_id(w, vocab_size) for w in tokens[:n]]
            targets[:n] = [index[t] for t in tags[:n]]
            self.items.append((torch.from_numpy(ids), torch.from_numpy(targets)))

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> dict:
        ids, targets = self.items[index]
        return {"input_ids": ids, "targets": targets}


def _synthetic(count: int, seed: int) -> list[tuple[list[str], list[str]]]:
    rng = np.random.default_rng(seed)
    return [synthetic_tagged_sentence(rng) for _ in range(count)]


def _last_share(sentences: list, fraction: float, path, what: str) -> tuple[list, list]:
    """(the sentences before, the last `fraction` of them)."""
    n_held = round(len(sentences) * fraction)
    if n_held < 1 or n_held >= len(sentences):
        raise _error(
            path,
            None,
            f"{len(sentences)} sentences cannot be split into training "
            f"and {what} ({fraction:.0%}); add sentences",
        )
    return sentences[:-n_held], sentences[-n_held:]


def _user_sentences(cfg: dict, source: str) -> tuple[list, list, Path | None]:
    """(train, held-out, the held-out file; None for a share of the training file) of a
    user's JSONL, split as the data section says: the training file (data.train, the file,
    or a folder's train.jsonl) less its last test_fraction, and the validation file
    (data.validation, a folder's val.jsonl) or the last val_fraction of the rest.
    evaluate.py's held-out sentences: the user's test set ("test": data.test's file, the test
    share or a folder's test.jsonl; else validation's), or every sentence of the --data file
    ("given")."""
    if cfg.get("held_out") == "given" and Path(source).is_file():
        sentences = read_tagged_jsonl(source)
        return sentences, sentences, Path(source)
    train_path, val_path = split_files(cfg, source, ".jsonl")
    train, test = read_tagged_jsonl(train_path), list[tuple[list[str], list[str]]]()
    if cfg.get("test_fraction"):
        train, test = _last_share(train, float(cfg["test_fraction"]), train_path, "test")
    if cfg.get("held_out") == "test":
        named = declared_test_file(cfg, source, ".jsonl", val_path)
        if named is not None:
            return train, read_tagged_jsonl(named), named
        if test:
            return train, test, None
    if val_path is not None:
        return train, read_tagged_jsonl(val_path), val_path
    return (*_last_share(train, float(cfg["val_fraction"]), train_path, "held-out"), None)


def _tagged_types(sentences: list) -> set[str]:
    return {tag[2:] for _, tags in sentences for tag in tags if tag != "O"}


def _entity_types(
    train: list, held_out: list, held_out_file: Path | None, trained: dict | None
) -> list[str]:
    """The entity types, sorted: the trained run's where evaluate.py scores new sentences,
    else those the sentences hold. A held-out file's type that the training sentences (or the
    trained model) lack is an error: the model could never tag it."""
    known = set(trained["entity_types"]) if trained else _tagged_types(train)
    unknown = sorted(_tagged_types(held_out) - known)
    if unknown and trained:
        raise ValueError(
            f"{held_out_file or 'the held-out sentences'}: entity types {unknown} are not ones "
            f"the model was trained on ({', '.join(sorted(known))}). Score sentences of the "
            "trained types, or retrain with them."
        )
    if unknown and held_out_file is not None:
        raise ValueError(
            f"{held_out_file}: entity types {unknown} never occur in the training sentences, "
            "so the model could never tag them. Add training sentences with them, or leave "
            f"them out of {held_out_file.name}."
        )
    return sorted(known | set(unknown))


def build_tagging_datasets(cfg: dict, source: str, seed: int):
    seq_len, vocab_size = int(cfg["seq_len"]), int(cfg["vocab_size"])
    if source == "synthetic":
        train = _synthetic(int(cfg["num_train"]), 2 * seed)
        val = _synthetic(int(cfg["num_val"]), 2 * seed + 1)
        types = sorted(NER_TYPES)
    else:
        train, val, val_file = _user_sentences(cfg, source)
        types = _entity_types(train, val, val_file, trained_data_info(cfg))
    tag_names = bio_tag_names(types)
    truncated = sum(len(tokens) > seq_len for tokens, _ in train + val)
    info = {
        "task": "sequence_labeling",
        "source": source,
        "tag_names": tag_names,
        "num_classes": len(tag_names),
        "entity_types": types,
        "seq_len": seq_len,
        "vocab_size": vocab_size,
        "truncated_sentences": truncated,
        "num_train": len(train),
        "num_val": len(val),
    }
    return (
        TaggedSentences(train, tag_names, seq_len, vocab_size),
        TaggedSentences(val, tag_names, seq_len, vocab_size),
        info,
    )
