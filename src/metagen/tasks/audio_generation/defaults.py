"""Audio generation's training settings and data sizes per scale."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import data_sizes, schedule
from metagen.blueprint.smoke import SMOKE_AUDIO_SEQ_LEN

TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(10_000, 32, 3e-4, 0.1, 200),
    "smoke": schedule(300, 32, 3e-3, 0.0, 20),
}
DATA: dict[str, dict[str, Any]] = {
    "full": data_sizes(100_000, 1_000),
    # Synthetic clips are rendered on demand, like images.
    "smoke": {"seq_len": SMOKE_AUDIO_SEQ_LEN, "num_train": 20_000, "num_val": 200},
}
