"""The spec's `data` section: its fields, its located errors, and the data-config keys every
scale of the plan carries for the readers."""

from __future__ import annotations

import datetime
import os

import pytest
import yaml

from metagen.planning import make_blueprint
from metagen.spec import SpecError, load_spec, parse_spec_text
from metagen.spec.data import DATA_CONFIG_KEYS, Data

TABULAR = """\
name: rows
modality:
  inputs: [tabular]
  outputs: [label]
task:
  type: classification
  num_classes: 3
"""

FORECAST = """\
name: load
modality:
  inputs: [time_series]
  outputs: [time_series]
  time_series: {season_length: 24}
task:
  type: time_series_forecast
  horizon: 12
  lookback: 48
architecture:
  family: mlp
  variant: dlinear
"""

EVERY_FIELD = """\
data:
  path: rows.csv
  text: body
  label: kind
  target: price
  time: date
  features: [a, b]
  train: fit.csv
  validation: check.csv
  test: final.csv
"""


def load(text: str):
    return parse_spec_text(text, source="spec.yaml")


def error_of(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        load(text)
    return info.value


def test_every_field_has_a_config_key_and_every_key_is_a_field():
    assert list(DATA_CONFIG_KEYS) == [name for name in Data.model_fields if name != "path"]
    assert set(DATA_CONFIG_KEYS.values()) == {
        "text_column",
        "label_column",
        "target_column",
        "time_column",
        "feature_columns",
        "train_file",
        "val_file",
        "test_file",
        "val_fraction",
        "test_fraction",
        "test_start",
        "test_periods",
        "chunks",
    }


def test_a_section_maps_its_set_fields_to_config_keys():
    data = Data.model_validate(yaml.safe_load(EVERY_FIELD)["data"])
    assert data.config() == {
        "text_column": "body",
        "label_column": "kind",
        "target_column": "price",
        "time_column": "date",
        "feature_columns": ["a", "b"],
        "train_file": "fit.csv",
        "val_file": "check.csv",
        "test_file": "final.csv",
    }  # the path is for `metagen train`, not the readers


def test_shares_and_test_period():
    data = load(TABULAR + "data:\n  val_fraction: 0.1\n  test_fraction: 2e-1\n").data
    assert data is not None and data.config() == {"val_fraction": 0.1, "test_fraction": 0.2}
    data = load(FORECAST + "data:\n  test_start: 2020-01-31\n  time: ds\n").data
    assert data is not None
    assert data.config() == {"test_start": "2020-01-31", "time_column": "ds"}  # a YAML date
    data = load(FORECAST + "data:\n  test_periods: 55\n").data
    assert data is not None and data.config() == {"test_periods": 55}
    data = load(FORECAST + "data:\n  test_start: 700\n").data
    assert data is not None and data.config() == {"test_start": 700}


BAD = [
    ("  bogus: 1\n", "data.bogus", "unknown key 'bogus'. Accepted keys here: path, text"),
    ("  vall_fraction: 0.2\n", "data.vall_fraction", "Did you mean 'val_fraction'?"),
    ("  val_fraction: 1.5\n", "data.val_fraction", "1.5 is too large: it must be less than 1"),
    ("  test_fraction: 0\n", "data.test_fraction", "0 is too small: it must be more than 0"),
    (
        "  test_periods: 5\n  test_fraction: 0.5\n",
        "data.test_periods",
        "the test period's length as a share or a count",
    ),
    (
        "  validation: v.csv\n  val_fraction: 0.2\n",
        "data.val_fraction",
        "validation and val_fraction both say how to split",
    ),
    ("  test: t.csv\n  test_fraction: 0.2\n", "data.test_fraction", "Keep one of test and"),
    ("  features: []\n", "data.features", "the list is empty"),
    ("  features: [a, a]\n", "data.features", "'a' is listed twice"),
    ("  features: a\n", "data.features", "expected a list, got 'a'"),
    ("  target: 3\n", "data.target", "expected text, got the number 3"),
    ("  label: ''\n", "data.label", "at least 1 character"),
    ("  path: [a]\n", "data.path", "expected text, got a list"),
    ("  label: y\n  features: [a, y]\n", "data.features", "features lists 'y', which data.label"),
    ("  target: y\n  features: [y]\n", "data.features", "either a feature or the target"),
    ("  text: body\n", "data.text", "text has no meaning for a classification task"),
    ("  time: date\n", "data.time", "Remove it, or use it with time_series input"),
    ("  test_periods: 5\n", "data.test_periods", "use it with task time_series_forecast"),
    ("  chunks: 4\n", "data.chunks", "Remove it, or use it with task classification on text"),
]


@pytest.mark.parametrize(
    ("lines", "field", "fragment"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)]
)
def test_a_malformed_data_section_is_one_located_paragraph(lines, field, fragment):
    err = error_of(TABULAR + "data:\n" + lines)
    assert err.field == field
    assert err.line is not None and err.line >= 9  # inside the data section
    assert fragment in str(err)
    assert "\n" not in str(err) and str(err).startswith("spec.yaml:")


def test_forecast_only_errors():
    data = load(FORECAST + "data:\n  test_start: 100\n  test_periods: 55\n").data
    assert data is not None and data.config() == {"test_start": 100, "test_periods": 55}
    err = error_of(FORECAST + "data:\n  test: t.csv\n  test_start: 10\n")
    assert err.field == "data.test_start" and "Keep one of test and test_start" in str(err)
    err = error_of(FORECAST + "data:\n  test_start: -1\n")
    assert err.field == "data.test_start" and "row number below 0" in str(err)
    err = error_of(FORECAST + "data:\n  test_start: 2.5\n")
    assert err.field == "data.test_start"


def test_a_forecaster_may_read_its_targets_past_but_not_the_time_as_a_feature():
    data = load(FORECAST + "data: {target: load, features: [temp, load]}\n").data
    assert data is not None and data.features == ["temp", "load"]
    err = error_of(FORECAST + "data: {time: ds, features: [ds, load]}\n")
    assert err.field == "data.features" and "either a feature or the time" in str(err)


def test_data_target_must_agree_with_the_modality_target():
    text = TABULAR.replace("outputs: [label]", "outputs: [label]\n  tabular: {target: y}")
    err = error_of(text + "data:\n  target: z\n")
    assert err.field == "data.target"
    assert "target 'z' and modality.tabular.target 'y' name different columns" in str(err)
    assert load(text + "data:\n  target: y\n").data is not None


def test_a_relative_path_is_read_from_the_spec_files_folder(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    spec = folder / "rows.yaml"
    spec.write_text(TABULAR + "data:\n  path: ../data/iris.csv\n", encoding="utf-8")
    loaded = load_spec(spec)
    assert loaded.data is not None
    assert loaded.data.path == os.path.abspath(tmp_path / "data" / "iris.csv")
    spec.write_text(TABULAR + f"data:\n  path: {tmp_path / 'x.csv'}\n", encoding="utf-8")
    assert load_spec(spec).data.path == str(tmp_path / "x.csv")  # type: ignore[union-attr]


def test_every_scale_carries_the_section_and_a_spec_without_one_is_unchanged():
    plain = make_blueprint(load(TABULAR))
    section = "data:\n  label: kind\n  features: [a, b]\n  val_fraction: 0.2\n  test: t.csv\n"
    bp = make_blueprint(load(TABULAR + section))
    given = {
        "label_column": "kind",
        "feature_columns": ["a", "b"],
        "val_fraction": 0.2,
        "test_file": "t.csv",
    }
    for scale in ("full", "smoke"):
        assert bp.scales[scale].data == {**plain.scales[scale].data, **given}
        assert not set(plain.scales[scale].data) & set(DATA_CONFIG_KEYS.values())


def test_the_section_overrides_the_forecasters_own_split_and_target():
    plain = make_blueprint(load(FORECAST))
    assert plain.scales["full"].data["val_fraction"] == 0.2
    section = "data:\n  target: load\n  time: ds\n  val_fraction: 0.1\n  test_periods: 55\n"
    bp = make_blueprint(load(FORECAST + section))
    for scale in ("full", "smoke"):
        data = bp.scales[scale].data
        assert data["val_fraction"] == 0.1 and data["target_column"] == "load"
        assert (data["time_column"], data["test_periods"]) == ("ds", 55)


def test_dates_are_kept_as_iso_text():
    data = Data.model_validate({"test_start": datetime.date(2021, 3, 4)})
    assert data.test_start == "2021-03-04"


TRAINABLE = """\
name: rows
modality: {inputs: [tabular], outputs: [label]}
task: {type: classification, num_classes: 3}
constraints: {parameter_budget: {max: 20k}}
architecture: {family: mlp}
"""


def rows_csv(path):
    lines = ["id,a,b,kind"] + [f"{i},{i % 3 + i / 100},{i % 7},{'xyz'[i % 3]}" for i in range(60)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_train_refuses_a_data_path_that_is_not_there_and_leaves_nothing(tmp_path):
    from tests.cli.helpers import error_paragraph, invoke

    spec = tmp_path / "rows.yaml"
    spec.write_text(TRAINABLE + "data: {path: missing.csv}\n", encoding="utf-8")
    runs = tmp_path / "runs"
    error = error_paragraph(invoke("train", spec, "--scale", "smoke", "--out", runs))
    assert f"data.path {tmp_path / 'missing.csv'}: no such file or folder" in error
    assert not runs.exists() or not any(runs.iterdir())


def test_a_run_directory_finds_its_specs_data_path(tmp_path):
    from metagen.synthesis import synthesize
    from metagen.train_cli import spec_data_path

    spec = tmp_path / "rows.yaml"
    spec.write_text(TRAINABLE + "data: {path: rows.csv}\n", encoding="utf-8")
    run = synthesize(load_spec(spec), tmp_path / "runs", "r1")
    assert spec_data_path(run) == str(tmp_path / "rows.csv")
    spec.write_text(TRAINABLE, encoding="utf-8")
    assert spec_data_path(synthesize(load_spec(spec), tmp_path / "runs", "r2")) == "synthetic"


@pytest.mark.slow  # trains 3 steps: about 9 s on 2 CPU cores
def test_train_without_data_reads_the_specs_data_path_and_columns(tmp_path):
    import json

    from tests.cli.helpers import invoke

    (tmp_path / "data").mkdir()
    rows_csv(tmp_path / "data" / "rows.csv")
    spec = tmp_path / "rows.yaml"
    section = "data: {path: data/rows.csv, label: kind, features: [a, b]}\n"
    spec.write_text(TRAINABLE + section, encoding="utf-8")
    args = ("train", spec, "--scale", "smoke", "--steps", "3", "--out", tmp_path / "runs")
    result = invoke(*args, "--run-id", "r1")
    assert result.exit_code == 0, result.output
    info = json.loads((tmp_path / "runs/r1/train/smoke/data_info.json").read_text())
    assert info["source"] == str(tmp_path / "data" / "rows.csv")
    assert info["feature_names"] == ["a", "b"] and info["class_names"] == ["x", "y", "z"]


TEXT_CLASSIFIER = TABULAR.replace("inputs: [tabular]", "inputs: [text]")


def test_chunks_are_a_text_classifiers_and_at_least_two():
    data = load(TEXT_CLASSIFIER + "data:\n  chunks: 8\n").data
    assert data is not None and data.config() == {"chunks": 8}
    err = error_of(TEXT_CLASSIFIER + "data:\n  chunks: 1\n")
    assert err.field == "data.chunks" and "1 is too small" in str(err)
    regression = TEXT_CLASSIFIER.replace("classification\n  num_classes: 3", "regression")
    err = error_of(regression + "data: {chunks: 4}\n")
    assert err.field == "data.chunks" and "no meaning for a regression task" in str(err)
    plan = make_blueprint(load(TEXT_CLASSIFIER + "data:\n  chunks: 8\n"))
    assert plan.fixed_dims["chunks"] == 8
    assert any(d.startswith("data.chunks 8: each text is read") for d in plan.decisions)
