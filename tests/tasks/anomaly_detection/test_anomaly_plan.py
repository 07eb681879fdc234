"""Planning an anomaly detector: autoencoder or VAE over series windows or table rows, the
bottleneck, the defaults, and what is not built."""

from __future__ import annotations

import pytest

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: ad
modality:
  inputs: [{input}]
  outputs: [label]
{params}
task: {{type: anomaly_detection{task}}}
constraints: {{parameter_budget: {{max: "300k"}}}}
architecture: {{family: {family}{variant}}}
"""


def plan(
    input: str = "time_series",
    family: str = "autoencoder",
    variant: str | None = None,
    task: str = "",
    params: str = "",
):
    text = SPEC.format(
        input=input,
        family=family,
        task=task,
        params=params,
        variant=f", variant: {variant}" if variant else "",
    )
    return make_blueprint(parse_spec_text(text))


def test_series_windows_with_the_default_window() -> None:
    bp = plan()
    assert bp.arch == "anomaly_autoencoder" and bp.task == "anomaly_detection"
    assert (bp.dims["window"], bp.dims["channels"], bp.dims["latent_dim"]) == (64, 1, 8)
    assert bp.dims["variational"] is False
    assert any("No task.lookback" in d for d in bp.decisions)
    assert bp.scales["smoke"].data["kind"] == "series_window"
    assert {"roc_auc", "average_precision", "f1", "random_roc_auc"} <= set(bp.metrics)


def test_vae_over_table_rows() -> None:
    bp = plan("tabular", variant="vae", params="  tabular: {num_features: 20}")
    assert (bp.dims["window"], bp.dims["channels"], bp.dims["latent_dim"]) == (1, 20, 5)
    assert bp.dims["variational"] is True and bp.variant is None
    assert bp.scales["smoke"].data["num_val"] == 1280
    assert 0.9 * 300_000 <= sum(count_params(bp.arch, bp.dims).values()) <= 300_000


def test_lookback_and_channels_size_the_window() -> None:
    bp = plan(task=", lookback: 32", params="  time_series: {channels: 3}")
    assert (bp.dims["window"], bp.dims["channels"], bp.dims["latent_dim"]) == (32, 3, 12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"family": "transformer"},
            r"needs a transformer reconstructor for anomaly detection.*"
            r"not built yet",
        ),
        ({"family": "cnn"}, r"family 'cnn' does not detect anomalies here"),
        ({"variant": "beta_vae"}, r"variant 'beta_vae' is not an autoencoder variant"),
        (
            {"input": "tabular", "task": ", lookback: 8"},
            r"task.lookback \(8\) has no meaning "
            r"for anomaly detection on table rows",
        ),
    ],
)
def test_unbuilt_or_unknown_models_are_plan_errors(kwargs, message) -> None:
    with pytest.raises(PlanError, match=message):
        plan(**kwargs)
