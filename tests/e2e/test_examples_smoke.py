"""Every example spec smoke-trains as a user would run it (slow: about a minute each)."""

from __future__ import annotations

import math

import pytest
from tests.e2e.runs import loss_drop, metagen_train, read_json
from tests.paths import EXAMPLE_SPECS, spec_id

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=spec_id)
def test_example_smoke_trains_and_learns(spec, tmp_path) -> None:
    result, wall = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "smoke"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = read_json(tmp_path / "smoke" / "train" / "smoke" / "metrics.json")
    assert wall <= 120, f"smoke training took {wall:.0f} s"
    assert all(math.isfinite(loss) for _, loss in metrics["loss_curve"])
    assert loss_drop(metrics) >= 0.3, "the last 10 steps' mean loss must be 30% below the first 10"
