"""Inputs for a regression model's infer.py: record files in its training data's format."""

from __future__ import annotations

from pathlib import Path

from tests.predict.inputs.records import write_record_inputs


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` records in `folder`; the number of predictions they should get."""
    return write_record_inputs(run, folder, count)
