"""Inputs for a tagger's infer.py: sentences of the kind it trained on (the synthetic NER
templates), as a .txt file, JSONL rows with a text field and with a tokens list (the training
data's format, tags left out), and CSV rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tests.predict.inputs.text_files import write_texts

from metagen.tasks.sequence_labeling.data_synthetic import synthetic_tagged_sentence


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` sentences in `folder`, the last as a tokens list; the number of predictions
    they should get."""
    rng = np.random.default_rng(0)
    sentences = [synthetic_tagged_sentence(rng)[0] for _ in range(count)]
    write_texts(folder, [" ".join(words) for words in sentences[:-1]])
    tokens = json.dumps({"tokens": sentences[-1]}) + "\n"
    (folder / "tokens.jsonl").write_text(tokens, encoding="utf-8")
    return count
