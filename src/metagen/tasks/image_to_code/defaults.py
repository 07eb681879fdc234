"""Image-to-code training settings and data sizes per scale. `num_pairs` is how many pairs
`metagen train --data synthetic` generates (80% train, 10% val, 10% test)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.scale_entries import schedule

# An evaluation writes code for each held-out picture and runs it in the sandbox: seconds
# per batch, so it runs rarely and on few batches during training (evaluate.py scores all).
TRAIN: dict[str, dict[str, Any]] = {
    "full": schedule(4_000, 16, 2e-3, 0.0, 100, eval_every=1_000, eval_batches=4),
    "smoke": schedule(600, 8, 2e-3, 0.0, 20, eval_every=600, eval_batches=4),
}
DATA: dict[str, dict[str, Any]] = {
    "full": {"num_pairs": 5_000, "val_fraction": 0.1},
    "smoke": {"num_pairs": 800, "val_fraction": 0.1},
}
