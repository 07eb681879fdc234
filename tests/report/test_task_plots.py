"""Every task in the registry draws the plots it calls for: a fresh smoke model of its
smallest example predicts on held-out data, and each drawn PNG is a real picture."""

from __future__ import annotations

import pytest
from PIL import Image
from tests.report.generative_runs import ctc_speech_spec
from tests.report.held_out import example_of_each_task, smoke_predictions

from metagen.report.plots import draw_plots
from metagen.report.predictions import load_predictions, save_predictions
from metagen.tasks.registry import tasks

# Tasks whose agents learn in an environment, not from held-out batches: their plots are
# their curves (loss and held-out return against a random policy's).
CURVES_ONLY = {"actor_critic", "model_based", "policy_gradient", "value_based"}
WITHOUT_EXAMPLE = {"speech_recognition_ctc": ctc_speech_spec}
MIN_SIDE = 150  # pixels: a plot smaller than this is no readable figure


def test_every_task_collects_predictions_or_is_curves_only() -> None:
    without = {name for name, row in tasks().items() if row.predictions is None}
    assert without == CURVES_ONLY


@pytest.mark.parametrize("task", sorted(set(tasks()) - CURVES_ONLY), ids=str)
def test_task_plots_are_real_pictures(task, tmp_path) -> None:
    # no example plans a CTC recognizer: the speech example with objective ctc does
    spec = example_of_each_task().get(task) or WITHOUT_EXAMPLE[task](tmp_path)
    predictions = smoke_predictions(spec, tmp_path / "data")
    # what the plots read is what was saved: the round trip through the files loses nothing
    reloaded = load_predictions(save_predictions(predictions, tmp_path / "predictions"))
    metrics = {"task": task, "loss_curve": [[1, 2.0, 1e-3], [2, 1.5, 2e-3]],
               "evals": [{"step": 2, "loss": 1.4}]}  # fmt: skip
    drawn = draw_plots(metrics, reloaded, tmp_path / "plots")
    names = {path.name for path in drawn}
    assert {"loss.png", "learning_rate.png"} <= names
    assert len(drawn) > 2, f"{task} drew only its curves"
    for path in drawn:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == "PNG" and min(image.size) >= MIN_SIDE, (path, image.size)
            assert image.convert("L").getextrema()[0] < 200, f"{path} is blank"


def test_only_the_tasks_said_have_no_example() -> None:
    assert set(tasks()) - set(example_of_each_task()) - CURVES_ONLY == set(WITHOUT_EXAMPLE)
