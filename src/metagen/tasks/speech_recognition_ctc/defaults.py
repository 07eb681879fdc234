"""CTC speech recognition's training settings and data sizes per scale: the
encoder-decoder's (speech_recognition/defaults.py says where they come from), with more smoke
steps to leave the all-blank plateau."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes
from metagen.tasks.speech_recognition.defaults import (
    SPEECH_FULL_TRAIN,
    SPEECH_SMOKE_DATA,
    SPEECH_SMOKE_TRAIN,
)

TRAIN: dict[str, dict[str, Any]] = {
    "full": SPEECH_FULL_TRAIN,
    "smoke": {**SPEECH_SMOKE_TRAIN, "steps": 1000, "warmup_steps": 100, "eval_every": 250},
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(200_000, 2_000),
    "smoke": SPEECH_SMOKE_DATA,
}
