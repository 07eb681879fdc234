"""Standard shapes and smoke dims of the anomaly autoencoder: MLP widths with the hidden
layers per side as the depth knob. The latent size is the handler's, not the grid's: it is the
bottleneck that makes anomalies hard to reconstruct.

`shapes.py` and `scales.py` import this module for their registries, so it imports `Shape`
lazily.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metagen.blueprint.shape_builds import at_depth

ANOMALY_DEFAULT_BUDGET = {"anomaly_autoencoder": 1_000_000}


def anomaly_autoencoder_shapes(fixed: dict[str, Any], budget: int) -> Iterator:
    from metagen.blueprint.shapes import Shape

    d = 32
    while d <= 8192:
        base = {**fixed, "d_model": d}
        yield Shape(f"d_model={d}", at_depth(base, "n_layers"), 1, 4)
        d += 32 if d < 512 else 64 if d < 1024 else 128


def smoke_anomaly_autoencoder(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "d_model": 128, "n_layers": min(dims["n_layers"], 2)}
