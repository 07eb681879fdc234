"""A task's headline held-out metric beside its trivial baseline's (tasks/registry.py names
both for each task)."""


def compare_with_baseline(results: dict, metric: str, baseline_metric: str, higher_is_better):
    """`metric` beside `baseline_metric`, both from one evaluator's results. A metric the
    evaluator could not measure (a string saying why) is passed on, unjudged (None)."""
    value, baseline = results.get(metric), results.get(baseline_metric)
    beats = None
    if isinstance(value, float | int) and isinstance(baseline, float | int):
        beats = bool(value > baseline if higher_is_better else value < baseline)
    compared = {"metric": metric, "value": value, "baseline": baseline_metric}
    judged = {"baseline_value": baseline, "higher_is_better": higher_is_better}
    return {**compared, **judged, "beats_baseline": beats}
