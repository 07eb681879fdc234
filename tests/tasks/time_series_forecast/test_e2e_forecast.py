"""Forecasters trained as a user would (slow): sunspots through the CLI must beat the
seasonal-naive forecast 12 years ahead, and every forecaster family trained at smoke scale
must beat it on held-out synthetic series by a stated margin."""

from __future__ import annotations

import json
import subprocess

import pytest
from tests.e2e.runs import METAGEN, metagen_train, read_json, run_script
from tests.paths import EXAMPLES

pytestmark = pytest.mark.slow

SUNSPOTS_SPEC = """
metagen_version: "1.0"
name: sunspots
modality:
  inputs: [time_series]
  outputs: [time_series]
task: {type: time_series_forecast, horizon: 12, lookback: 44}
architecture: {family: transformer, variant: temporal_fusion}
"""

FAMILY_SPEC = """
metagen_version: "1.0"
name: {name}
modality: {{inputs: [time_series], outputs: [time_series]}}
task: {{type: time_series_forecast, horizon: 12, lookback: 48}}
architecture: {{family: {family}{variant}}}
"""

# On synthetic series (level, trend, a two-harmonic season, noise) the model must bring MASE
# to at most this fraction of the seasonal-naive forecast's, which misses the trend.
SYNTHETIC_MASE_MARGIN = 0.85


def sunspots_csv(path) -> None:
    import statsmodels.api as sm  # ships the yearly sunspot numbers 1700-2008

    sm.datasets.sunspots.load_pandas().data.to_csv(path, index=False)


def test_sunspots_beats_seasonal_naive_12_years_ahead(tmp_path) -> None:
    data = tmp_path / "sunspots.csv"
    sunspots_csv(data)
    spec = tmp_path / "sunspots.yaml"
    spec.write_text(SUNSPOTS_SPEC, encoding="utf-8")
    synth = subprocess.run(
        [str(METAGEN), "synth", str(spec), "--out", str(tmp_path / "runs"), "--run-id", "sun"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert synth.returncode == 0, synth.stderr
    run = tmp_path / "runs" / "sun"
    result, _ = metagen_train(str(run), "--scale", "smoke", "--data", str(data))
    assert result.returncode == 0, result.stderr[-3000:]
    info = read_json(run / "train" / "smoke" / "data_info.json")
    assert info["target_column"] == "SUNACTIVITY" and info["columns"] == ["SUNACTIVITY"]
    assert info["season_length"] == 11  # the solar cycle, detected from the training years
    assert info["train_rows"] == 247 and info["num_val"] == 62 - 12 + 1
    scores = read_json(run / "train" / "smoke" / "metrics.json")["eval"]
    assert scores["num_samples"] == info["num_val"]  # every held-out window was scored
    assert scores["mase"] < scores["naive_mase"], scores
    # the generated infer.py forecasts the 12 years after the file's last row, dated
    forecast = tmp_path / "forecast.jsonl"
    run_script(run / "code", "infer.py", "--checkpoint", str(run / "train" / "smoke"), str(data),
               "--out", str(forecast))  # fmt: skip
    rows = [json.loads(line) for line in forecast.read_text(encoding="utf-8").splitlines()]
    assert [row["step"] for row in rows] == list(range(1, 13))
    assert [row["date"] for row in rows] == [2008.0 + step for step in range(1, 13)]


@pytest.mark.parametrize(
    ("family", "variant"),
    [("transformer", None), ("rnn", "gru"), ("mlp", None), ("mlp", "dlinear")],
)
def test_forecaster_family_beats_seasonal_naive(tmp_path, family, variant) -> None:
    spec = tmp_path / "fc.yaml"
    spec.write_text(
        FAMILY_SPEC.format(
            name=f"fc_{family}", family=family, variant=f", variant: {variant}" if variant else ""
        )
    )
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "fc"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = read_json(tmp_path / "fc" / "train" / "smoke" / "metrics.json")["eval"]
    assert scores["mase"] <= SYNTHETIC_MASE_MARGIN * scores["naive_mase"], scores


@pytest.mark.parametrize("example", ["time_series_forecaster", "stock_forecaster"])
def test_tft_example_beats_seasonal_naive(tmp_path, example) -> None:
    spec = EXAMPLES / "time_series" / f"{example}.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "tft"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scores = read_json(tmp_path / "tft" / "train" / "smoke" / "metrics.json")["eval"]
    assert scores["mase"] <= SYNTHETIC_MASE_MARGIN * scores["naive_mase"], scores
