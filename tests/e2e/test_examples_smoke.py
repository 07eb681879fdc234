"""Every example spec smoke-trains as a user would run it, then its generated evaluate.py
scores the checkpoint on held-out data and the model beats its task's trivial baseline there
(slow: about a minute each)."""

from __future__ import annotations

import math

import pytest
from tests.e2e.runs import loss_drop, metagen_train, read_json, run_script
from tests.paths import EXAMPLE_SPECS, spec_id

from metagen.planning import make_blueprint
from metagen.spec import load_spec
from metagen.tasks.registry import runtime_task

pytestmark = pytest.mark.slow

# How far past its trivial baseline a smoke-trained example must be on held-out data. Scores
# where higher is better (accuracy, recall, NDCG, mIoU, PQ, ROC-AUC, F1, mAP) lie in [0, 1]
# and must lead by an absolute margin; losses and errors must be a fraction of the baseline's.
HIGHER_IS_BETTER_MARGIN = 0.05
LOWER_IS_BETTER_RATIO = 0.9
# Reported only when they can be: top-5 needs at least 5 classes.
CONDITIONAL_METRICS = {"top5_accuracy"}


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=spec_id)
def test_example_smoke_trains_and_beats_its_baseline(spec, tmp_path) -> None:
    result, wall = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "smoke"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "smoke"
    metrics = read_json(run / "train" / "smoke" / "metrics.json")
    assert wall <= 120, f"smoke training took {wall:.0f} s"
    assert all(math.isfinite(point[1]) for point in metrics["loss_curve"])
    bp = make_blueprint(load_spec(spec))
    # An agent's loss is no objective that falls (its data changes as it learns): its learned
    # signal is the held-out return against a random policy's, below.
    if runtime_task(bp.task).loop is None:
        drop = loss_drop(metrics)
        assert drop >= 0.3, "the last 10 steps' mean loss must be 30% below the first 10"

    check_plots(run / "train" / "smoke", runtime_task(bp.task).predictions is not None)

    run_script(run / "code", "evaluate.py", "--checkpoint", str(run / "train" / "smoke"))
    held_out = read_json(run / "train" / "smoke" / "eval" / "metrics.json")
    planned = set(bp.metrics)
    missing = planned - set(held_out) - CONDITIONAL_METRICS
    assert not missing, f"evaluate.py did not report {sorted(missing)}"

    comparison = held_out["baseline_comparison"]
    value, baseline = comparison["value"], comparison["baseline_value"]
    assert comparison["beats_baseline"], comparison
    if comparison["higher_is_better"]:
        assert value >= baseline + HIGHER_IS_BETTER_MARGIN, comparison
    else:
        assert value <= LOWER_IS_BETTER_RATIO * baseline, comparison


def check_plots(out, task_plots: bool) -> None:
    """The run's curves, and its task's own plots where the task collects predictions, are
    real PNG pictures, with the report beside them."""
    from PIL import Image

    drawn = {path.stem: path for path in (out / "plots").glob("*.png")}
    assert {"loss", "headline"} <= set(drawn), sorted(drawn)
    if task_plots:
        assert set(drawn) - {"loss", "headline", "learning_rate"}, sorted(drawn)
        assert (out / "predictions" / "predictions.npz").is_file()
    for path in drawn.values():
        with Image.open(path) as image:
            assert image.format == "PNG" and min(image.size) >= 150, (path, image.size)
    assert (out / "report.html").is_file()
