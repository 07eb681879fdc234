"""Inputs for a masked language model's infer.py: lines of the synthetic text it trained on,
with blanks where its tokenizer writes them (the mask character `_` of a byte model, else the
tokenizer.json's mask token), as a .txt file and JSONL and CSV rows."""

from __future__ import annotations

import json
from pathlib import Path

from tests.predict.inputs.text_files import training_lines, write_texts

from metagen.data.text_tokenizer import load_tokenizer_file

BYTE_BLANK = "_"  # infer.py's default --mask-char


def blank_of(run: Path) -> str:
    """How a text marks a blank for this run's infer.py."""
    out = run / "train" / "smoke"
    info = json.loads((out / "data_info.json").read_text(encoding="utf-8"))
    if not info.get("tokenizer_file"):
        return BYTE_BLANK
    tokenizer = load_tokenizer_file(out / info["tokenizer_file"])
    return tokenizer.tokenizer.id_to_token(tokenizer.mask_id)


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` texts in `folder`, each with its third word blanked; the number of predictions
    they should get."""
    blank, texts = blank_of(run), []
    for line in training_lines(run, count):
        words = line.split(" ")
        words[min(2, len(words) - 1)] = blank
        texts.append(" ".join(words))
    write_texts(folder, texts)
    return count
