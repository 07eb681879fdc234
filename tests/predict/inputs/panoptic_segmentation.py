"""Inputs for a panoptic segmenter's infer.py: scenes of stuff and things, as it trained on."""

from __future__ import annotations

from pathlib import Path

from tests.predict.inputs.semantic_segmentation import write_scenes


def write_inputs(run: Path, folder: Path, count: int) -> int:
    return write_scenes(run, folder, count, panoptic=True)
