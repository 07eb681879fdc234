"""Language modelling's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule
from metagen.blueprint.smoke import SMOKE_SEQ_LEN

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 32, 3e-4, 0.1, 200),
    "smoke": schedule(300, 32, 3e-3, 0.0, 20),
}
DATA: dict[str, dict[str, Any]] = {
    "full": {"synthetic_chars": 20_000_000},
    "smoke": {"seq_len": SMOKE_SEQ_LEN, "synthetic_chars": 400_000},
}
