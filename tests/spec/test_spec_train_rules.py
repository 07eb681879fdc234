"""`metagen validate` refuses what `metagen train` would refuse: each rule is shown both ways,
the training data refusing the values and validate refusing the spec that states them."""

from __future__ import annotations

import numpy as np
import pytest
from tests.cli.helpers import error_paragraph, invoke

from metagen.spec import SpecError, parse_spec_text
from metagen.tasks.runtime import build_datasets

FORECAST = """\
name: load
modality:
  inputs: [time_series]
  outputs: [time_series]
task:
  type: time_series_forecast
  horizon: {horizon}
  lookback: {lookback}
architecture:
  family: mlp
  variant: dlinear
"""

WINDOW = {"kind": "forecast", "channels": 1, "val_fraction": 0.1, "num_train": 64, "num_val": 16}


def series_csv(path, rows: int = 400):
    lines = ["t,y"] + [f"{i},{np.sin(i / 4):.4f}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def spec_error(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec_text(text, source="spec.yaml")
    return info.value


def test_a_one_step_lookback_is_refused_by_training_and_by_validate():
    with pytest.raises(ValueError, match="must be at least 1 and below the lookback"):
        build_datasets("time_series_forecast", {**WINDOW, "lookback": 1, "horizon": 1})
    err = spec_error(FORECAST.format(horizon=1, lookback=1))
    assert (err.field, err.line) == ("task.lookback", 8)
    assert "Set task.lookback to 2 or more" in str(err)
    assert parse_spec_text(FORECAST.format(horizon=1, lookback=2)).task.lookback == 2


def test_a_test_period_shorter_than_the_horizon(tmp_path):
    path = series_csv(tmp_path / "load.csv")
    cfg = {**WINDOW, "lookback": 48, "horizon": 12, "test_periods": 6}
    with pytest.raises(ValueError, match="test_periods 6 is shorter than the horizon"):
        build_datasets("time_series_forecast", cfg, str(path))
    err = spec_error(FORECAST.format(horizon=12, lookback=48) + "data: {test_periods: 6}\n")
    assert err.field == "data.test_periods" and "Give at least 12 test steps" in str(err)


def test_a_test_period_that_starts_inside_the_first_window(tmp_path):
    path = series_csv(tmp_path / "load.csv")
    cfg = {**WINDOW, "lookback": 48, "horizon": 12, "test_start": 20}
    with pytest.raises(ValueError, match="the test period starts at row 20"):
        build_datasets("time_series_forecast", cfg, str(path))
    err = spec_error(FORECAST.format(horizon=12, lookback=48) + "data: {test_start: 20}\n")
    assert err.field == "data.test_start" and "is before row 48" in str(err)
    spec = FORECAST.format(horizon=12, lookback=48) + "data: {test_start: 300, test_periods: 55}\n"
    assert parse_spec_text(spec).data is not None


def test_validate_refuses_a_season_not_below_the_lookback(tmp_path):
    # The forecasting handler's rule; validate plans the spec, so it reports it before train.
    text = FORECAST.format(horizon=12, lookback=48).replace(
        "  outputs: [time_series]\n",
        "  outputs: [time_series]\n  time_series: {season_length: 48}\n",
    )
    spec = tmp_path / "load.yaml"
    spec.write_text(text, encoding="utf-8")
    error = error_paragraph(invoke("validate", spec))
    assert "season_length (48) must be below task.lookback (48)" in error


IMAGES = """\
name: pictures
modality:
  inputs: [image]
  outputs: [label]
  image: {image_size: 32, channels: 4}
task: {type: classification, num_classes: 4}
"""


def test_pictures_of_other_than_one_or_three_channels(tmp_path):
    from PIL import Image

    cfg = {"kind": "image", "image_size": 32, "channels": 4, "num_classes": 4}
    cfg |= {"num_train": 8, "num_val": 4}
    with pytest.raises(ValueError, match=r"channels \(4\) must be 1 \(gray\) or 3 \(RGB\)"):
        build_datasets("classification", cfg)  # the built-in shapes
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        for i in range(2):
            Image.new("RGB", (8, 8)).save(tmp_path / name / f"{i}.png")
    with pytest.raises(ValueError, match=r"channels \(4\) must be 1 \(gray\) or 3 \(RGB\)"):
        build_datasets("classification", cfg, str(tmp_path))  # a user's folder
    err = spec_error(IMAGES)
    assert (err.field, err.line) == ("modality.image.channels", 5)
    assert "Set modality.image.channels to 1 or 3" in str(err)
    assert parse_spec_text(IMAGES.replace("channels: 4", "channels: 1")).modality.image
