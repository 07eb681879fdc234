"""Masked language modelling's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule
from metagen.blueprint.smoke import SMOKE_SEQ_LEN

TRAIN: dict[str, dict[str, Any]] = {
    # BERT: AdamW, weight decay 0.01, linear warmup (1e-4 at batch 256; small models take more).
    "full": schedule(10_000, 32, 3e-4, 0.01, 500),
    # 2-layer encoders, 300 steps (CPU, 4 seeds): held-out masked loss 1.9-2.1 at lr 3e-3,
    # batch 64 x 32 tokens, against 2.9 for the best context-free predictor; with 64-token
    # windows they mostly stayed on that plateau for 300 steps.
    "smoke": schedule(300, 64, 3e-3, 0.0, 30),
}
DATA: dict[str, dict[str, Any]] = {
    "full": {"synthetic_chars": 20_000_000},
    "smoke": {"seq_len": SMOKE_SEQ_LEN // 2, "synthetic_chars": 400_000},
}
