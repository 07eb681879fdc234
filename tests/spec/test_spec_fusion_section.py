"""The fusion section and the sensor modality: defaults, the closed vocabularies, and a
located one-paragraph error for each way a section contradicts itself or the spec; planning
says that fusion outside classification and regression, and sensor models without fusion, are
not built yet."""

from __future__ import annotations

import pytest

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import Spec, SpecError, parse_spec_text
from metagen.spec.vocab import FUSION_ENCODERS, FUSION_STRATEGIES

BASE = """name: robot
modality:
  inputs: [image, sensor]
  outputs: [regression]
task: {type: regression}
"""


def _load(fusion: str, base: str = BASE) -> Spec:
    return parse_spec_text(base + "fusion:\n" + fusion, source="spec.yaml")


def _error(fusion: str, base: str = BASE) -> SpecError:
    with pytest.raises(SpecError) as info:
        _load(fusion, base)
    assert "\n" not in str(info.value).split("\n")[0]
    return info.value


def test_defaults() -> None:
    fusion = _load("  strategy: late\n").fusion
    assert fusion is not None
    assert (fusion.strategy, fusion.encoder, fusion.heads) == ("late", "transformer", 4)
    assert (fusion.fusion_dim, fusion.modality_dropout, fusion.modality_weights) == (
        None, 0.0, "learnable"
    )  # fmt: skip
    assert (fusion.align, fusion.align_steps, fusion.spiking) == ("none", None, None)
    assert parse_spec_text(BASE).fusion is None


# Early fusion reads every token with attention: its other encoders are refused (below).
VALID = [(s, e) for s in FUSION_STRATEGIES for e in FUSION_ENCODERS
         if s != "early" or e == "transformer"]  # fmt: skip


@pytest.mark.parametrize(("strategy", "encoder"), VALID)
def test_every_strategy_and_encoder_is_accepted(strategy: str, encoder: str) -> None:
    fusion = _load(f"  strategy: {strategy}\n  encoder: {encoder}\n").fusion
    assert fusion is not None and (fusion.strategy, fusion.encoder) == (strategy, encoder)


def test_sensor_parameters() -> None:
    spec = parse_spec_text(
        BASE.replace("outputs:", "sensor: {channels: 10, sample_rate: 50}\n  outputs:")
    )
    assert spec.modality.sensor is not None
    assert (spec.modality.sensor.channels, spec.modality.sensor.sample_rate) == (10, 50.0)
    assert spec.modality.sensor.window == 128
    with pytest.raises(SpecError, match="modality.sensor.sample_rate"):
        parse_spec_text(BASE.replace("outputs:", "sensor: {sample_rate: 0}\n  outputs:"))


def test_an_unknown_strategy_is_located_with_a_suggestion() -> None:
    error = _error("  strategy: hierarchial\n")
    assert (error.field, error.line) == ("fusion.strategy", 7)
    assert "Did you mean 'hierarchical'?" in str(error)


@pytest.mark.parametrize(
    ("fusion", "field", "expected"),
    [
        ("  fusion_dim: 128\n  heads: 6\n", "fusion.heads", "heads 6 does not divide fusion_dim 128"),
        ("  modality_dropout: 1.0\n", "fusion.modality_dropout", "less than 1"),
        ("  modality_weights: {image: 1, audio: 2}\n", "fusion.modality_weights.audio",
         "'audio' is not one of modality.inputs (image, sensor)"),
        ("  modality_weights: {image: 1}\n", "fusion.modality_weights",
         "gives no weight to sensor"),
        ("  modality_weights: {image: 1, sensor: 0}\n", "fusion.modality_weights.sensor",
         "a weight must be positive"),
        ("  modality_weights: sometimes\n", "fusion.modality_weights", "learnable or fixed"),
        ("  align: resample\n", "fusion.align", "needs align_steps"),
        ("  align_steps: 32\n", "fusion.align_steps", "read only with align 'resample'"),
        ("  spiking: {beta: 0.5}\n", "fusion.spiking", "read only by a spiking encoder"),
        ("  strategy: early\n  encoder: cfc\n", "fusion.encoder", "Set encoder: transformer"),
        ("  encoder: lif\n  spiking: {beta: 1.5}\n", "fusion.spiking.beta", "it must be at most 1.0"),
    ],
)  # fmt: skip
def test_contradictions_are_located(fusion: str, field: str, expected: str) -> None:
    error = _error(fusion)
    assert error.field == field
    assert expected in str(error)


def test_resampling_needs_a_time_based_input() -> None:
    base = BASE.replace("[image, sensor]", "[image, text]")
    error = _error("  align: resample\n  align_steps: 16\n", base)
    assert error.field == "fusion.align"
    assert "modality.inputs has none (image, text)" in str(error)
    assert _load("  align: resample\n  align_steps: 16\n").fusion.align_steps == 16


def test_fusion_needs_two_inputs_and_not_architecture_fusion_too() -> None:
    single = BASE.replace("[image, sensor]", "[sensor]")
    assert "modality.inputs has one (sensor)" in str(_error("  strategy: late\n", single))
    both = BASE + "architecture: {fusion: early}\n"
    error = _error("  strategy: late\n", both)
    assert error.field == "fusion.strategy" and "Keep one of them" in str(error)


def test_planning_says_fusion_detectors_and_sensor_models_are_not_built() -> None:
    detector = BASE.replace("[regression]", "[bounding_boxes]").replace(
        "type: regression", "type: object_detection, num_classes: 3")  # fmt: skip
    with pytest.raises(PlanError, match="fusion.strategy 'late' needs the multi-modal fusion"):
        make_blueprint(_load("  strategy: late\n", detector))
    assert make_blueprint(_load("  strategy: late\n")).task == "fusion_regression"
    with pytest.raises(PlanError, match="needs models of sensor readings.*not built yet"):
        make_blueprint(parse_spec_text(BASE))
