"""The spec's training.batch_size holds at every scale; the other training values change the
full scale only, and a spec without them keeps each scale's own numbers."""

from __future__ import annotations

import pytest

from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text
from metagen.tasks.registry import runtime_task

SPECS = {
    "tabular": "name: rows\nmodality: {inputs: [tabular], outputs: [label]}\n"
    "task: {type: classification, num_classes: 3}\n",
    "series": "name: series\nmodality: {inputs: [time_series], outputs: [label]}\n"
    "task: {type: classification, num_classes: 4}\n",
    "forecast": "name: load\nmodality: {inputs: [time_series], outputs: [time_series]}\n"
    "task: {type: time_series_forecast, horizon: 12, lookback: 48}\n"
    "architecture: {family: mlp, variant: dlinear}\n",
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_spec_batch_size_reaches_every_scale(name):
    plain = make_blueprint(parse_spec_text(SPECS[name]))
    bp = make_blueprint(parse_spec_text(SPECS[name] + "training: {batch_size: 16, steps: 40}\n"))
    defaults = {scale: runtime_task(bp.task).train_defaults(scale) for scale in ("full", "smoke")}
    assert defaults["smoke"]["batch_size"] != 16  # so the spec's value is what changed it
    for scale in ("full", "smoke"):
        assert plain.scales[scale].train["batch_size"] == defaults[scale]["batch_size"]
        assert bp.scales[scale].train["batch_size"] == 16
    # steps stay a full-scale setting: smoke keeps its short run
    assert bp.scales["full"].train["steps"] == 40
    assert bp.scales["smoke"].train["steps"] == plain.scales["smoke"].train["steps"]
