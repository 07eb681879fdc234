"""Planning a forecaster: families and variants to architectures, the lookback and horizon
defaults, the budget, and the spec errors that say what to change."""

from __future__ import annotations

import pytest

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

FORECAST = """
name: fc
modality:
  inputs: [time_series]
  outputs: [time_series]
{series}
task: {{type: time_series_forecast{window}}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
architecture: {{family: {family}{variant}}}
"""


def plan(
    family: str = "transformer",
    variant: str | None = None,
    window: str = "",
    series: str = "",
    budget: str = "500k",
):
    text = FORECAST.format(
        family=family,
        variant=f", variant: {variant}" if variant else "",
        window=window,
        series=series,
        budget=budget,
    )
    return make_blueprint(parse_spec_text(text))


@pytest.mark.parametrize(
    ("family", "variant", "arch"),
    [
        ("transformer", None, "patchtst"),
        ("transformer", "temporal_fusion", "tft"),
        ("transformer", "patchtst", "patchtst"),
        ("rnn", None, "rnn_forecaster"),
        ("rnn", "gru", "rnn_forecaster"),
        ("mlp", None, "nbeats"),
        ("mlp", "dlinear", "dlinear"),
    ],
)
def test_family_and_variant_pick_the_forecaster(family, variant, arch) -> None:
    bp = plan(family, variant, window=", horizon: 12, lookback: 48")
    assert bp.arch == arch and bp.task == "time_series_forecast"
    assert bp.variant is None  # an architecture name, not a catalog entry
    assert (bp.dims["lookback"], bp.dims["horizon"], bp.dims["channels"]) == (48, 12, 1)
    params = sum(count_params(arch, bp.dims).values())
    assert params <= 500_000
    if arch != "dlinear":  # DLinear's size is lookback x horizon whatever the budget
        assert params >= 0.9 * 500_000
    if arch == "rnn_forecaster":
        assert bp.dims["cell"] == (variant or "lstm")
    assert bp.metrics[:5] == ["loss", "mae", "rmse", "smape", "mase"]
    assert "naive_mase" in bp.metrics


def test_defaults_are_stated_in_the_decisions() -> None:
    bp = plan()
    assert (bp.dims["lookback"], bp.dims["horizon"]) == (96, 24)
    assert any("No task.horizon" in d for d in bp.decisions)
    assert any("No task.lookback" in d and "96" in d for d in bp.decisions)


def test_series_parameters_reach_the_data_config() -> None:
    series = "  time_series: {channels: 3, target: load, season_length: 7}"
    bp = plan("rnn", series=series, window=", horizon: 5, lookback: 30")
    data = bp.scales["full"].data
    assert data["target_column"] == "load" and data["season_length"] == 7
    assert data["channels"] == 3 and bp.dims["channels"] == 3
    assert bp.scales["smoke"].data["lookback"] == 30


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"family": "cnn"}, r"family 'cnn' cannot forecast time series.*transformer, rnn, mlp"),
        (
            {"variant": "informer"},
            r"variant 'informer' is not a transformer forecaster; "
            r"known: patchtst, temporal_fusion",
        ),
        ({"family": "rnn", "variant": "temporal_fusion"}, r"not a rnn forecaster"),
        (
            {"series": "  time_series: {season_length: 48}", "window": ", lookback: 48"},
            r"season_length \(48\) must be below task.lookback \(48\)",
        ),
        ({"budget": "1k"}, r"No standard patchtst shape fits 1,000 parameters"),
    ],
)
def test_impossible_forecasters_are_plan_errors(kwargs, message) -> None:
    with pytest.raises(PlanError, match=message):
        plan(**kwargs)
