"""Speech recognition's training settings and data sizes per scale (the encoder-decoder;
CTC's, in speech_recognition_ctc/defaults.py, start from the same)."""

from __future__ import annotations

from typing import Any

from metagen.archs.speech_encoder_decoder.shapes import (
    SMOKE_SPEECH_MAX_WORDS,
    SMOKE_SPEECH_TEXT_CTX,
)
from metagen.blueprint.scale_entries import data_sizes, schedule

# Whisper tiny trained with AdamW at lr 1.5e-3, batch 256, 2048 warmup steps, weight decay 0.1.
SPEECH_FULL_TRAIN = schedule(20_000, 64, 1e-3, 0.1, 1000)
# Smoke runs: 2+2 layers of width 64 on two-word clips. In a GPU sweep of the same steps and
# batches, the encoder-decoder's held-out WER was 0.04-0.15 after 400 steps at lr 3e-3 (3
# seeds; 0.21 with whisper_tiny's 16 kHz, 80-mel frontend) against 0.92-0.95 for a constant
# transcript. CTC sits on the all-blank plateau for 300-400 steps: 0.12-0.14 after 1000 steps
# (3 runs), 0.44-0.93 after 600-step runs (8 runs). Evaluating every quarter keeps greedy
# decoding's share of a CPU run small.
SPEECH_SMOKE_TRAIN = {"batch_size": 32, "lr": 3e-3, "weight_decay": 0.0, "eval_batches": 4}
# Synthetic clips are assembled on demand from cached spoken words, so a large train set
# costs no memory.
SPEECH_SMOKE_DATA = {"num_train": 40_000, "num_val": 256, "max_words": SMOKE_SPEECH_MAX_WORDS}

TRAIN: dict[str, dict[str, Any]] = {
    "full": SPEECH_FULL_TRAIN,
    "smoke": {**SPEECH_SMOKE_TRAIN, "steps": 400, "warmup_steps": 40, "eval_every": 100},
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(200_000, 2_000),
    "smoke": {**SPEECH_SMOKE_DATA, "seq_len": SMOKE_SPEECH_TEXT_CTX},
}
