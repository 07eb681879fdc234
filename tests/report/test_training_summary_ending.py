"""The training summary says how a run ended where it did not run its planned steps, and whose
weights it kept."""

from metagen.report.summary import _ending


def test_an_early_stop_and_the_restored_step_are_said() -> None:
    metrics = {"stop_reason": "patience", "restored_best_step": 1200,
               "monitor": {"metric": "accuracy"}}  # fmt: skip
    assert _ending(metrics) == [
        "stopped early: the held-out metric stopped improving; kept the weights of step 1,200, "
        "the best accuracy of its evaluations"
    ]
    assert _ending({"stop_reason": "time_budget", "restored_best_step": None}) == [
        "stopped by the time budget"
    ]


def test_a_run_that_went_its_planned_length_with_its_last_weights_says_nothing_more() -> None:
    assert _ending({"stop_reason": "steps", "restored_best_step": None}) == []
    assert _ending({}) == []  # a metrics.json from before these fields
