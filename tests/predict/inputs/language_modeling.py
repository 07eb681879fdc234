"""Inputs for a language model's infer.py: prompts cut from the synthetic text it trained on,
as .txt files (one prompt each) and the rows of a JSONL and a CSV (a text field each)."""

from __future__ import annotations

from pathlib import Path

from tests.predict.inputs.text_files import training_lines, write_texts


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` prompts in `folder`; the number of predictions they should get."""
    # half a training window: a prompt the model reads with room to continue it
    prompts = [line[: len(line) // 2] for line in training_lines(run, count)]
    write_texts(folder, prompts)
    return count
