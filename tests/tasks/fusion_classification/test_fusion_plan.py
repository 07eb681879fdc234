"""Planning a fusion classifier: a classification spec with a fusion section plans
fusion_net with the section's settings; inputs the fusion does not read, a class count the
built-in data cannot give, and fusion outside classification are one-paragraph errors."""

from __future__ import annotations

import pytest

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: fused
modality: {{inputs: {inputs}, outputs: [label], sensor: {{channels: 4, window: 32}}}}
task: {{type: classification{task}}}
constraints: {{parameter_budget: {{max: "200k"}}}}
fusion: {{{fusion}}}
"""


def plan(inputs="[image, sensor, text]", task="", fusion="strategy: late, heads: 4"):
    return make_blueprint(parse_spec_text(SPEC.format(inputs=inputs, task=task, fusion=fusion)))


def test_the_fusion_section_becomes_the_networks_dims() -> None:
    bp = plan(fusion="strategy: cross_attention, heads: 4, fusion_dim: 64, encoder: cfc_lif, "
                     "modality_weights: {image: 1, sensor: 2, text: 1}, "
                     "align: resample, align_steps: 6, spiking: {beta: 0.8, num_spike_steps: 4}")  # fmt: skip
    assert (bp.arch, bp.task) == ("fusion_net", "fusion_classification")
    dims = bp.dims
    assert dims["modalities"] == ["image", "sensor", "text"] and dims["num_outputs"] == 27
    assert (dims["strategy"], dims["encoder"], dims["d_model"], dims["n_heads"]) == (
        "cross_attention", "cfc_lif", 64, 4
    )  # fmt: skip
    assert dims["modality_weights"] == [1.0, 2.0, 1.0] and dims["align_steps"] == 6
    assert (dims["beta"], dims["num_spike_steps"]) == (0.8, 4)
    assert (dims["sensor_channels"], dims["sensor_steps"]) == (4, 32)
    assert [name for name, _ in bp.components] == list(count_params(bp.arch, dims))
    assert "accuracy_without_sensor" in bp.metrics
    smoke = bp.scales["smoke"].model
    assert smoke["d_model"] % smoke["n_heads"] == 0 and smoke["n_layers"] == 1


def test_early_fusion_has_no_encoder_per_modality() -> None:
    bp = plan(fusion="strategy: early, heads: 2")
    assert [name for name, _ in bp.components] == ["preprocess", "fusion", "head"]


@pytest.mark.parametrize(
    ("inputs", "task", "expected"),
    [
        ("[image, time_series]", "", "needs a fusion encoder for time_series"),
        ("[image, text]", ", num_classes: 4", "set task.num_classes: 9"),
    ],
)
def test_what_the_fusion_cannot_plan_is_one_paragraph(inputs, task, expected) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(inputs=inputs, task=task)
    assert "\n" not in str(error.value)


def test_fusion_outside_classification_and_regression_is_not_built() -> None:
    text = SPEC.format(inputs="[image, text]", task="", fusion="strategy: late")
    detector = text.replace("type: classification", "type: object_detection, num_classes: 3")
    detector = detector.replace("outputs: [label]", "outputs: [bounding_boxes]")
    with pytest.raises(PlanError, match="for task object_detection .built for classification "
                                        "and regression."):  # fmt: skip
        make_blueprint(parse_spec_text(detector))


def test_a_fusion_regressor_is_a_policy_over_camera_and_sensors() -> None:
    """Its built-in data (reaching) has image and sensor inputs and two action values."""
    regression = SPEC.replace("outputs: [label]", "outputs: [action]").replace(
        "type: classification", "type: regression")  # fmt: skip
    bp = make_blueprint(parse_spec_text(regression.format(inputs="[image, sensor]", task="",
                                                          fusion="strategy: early")))  # fmt: skip
    assert (bp.arch, bp.task, bp.dims["num_outputs"]) == ("fusion_net", "fusion_regression", 2)
    assert "mse_without_sensor" in bp.metrics and bp.data["kind"] == "fusion_reach"
    with pytest.raises(PlanError, match="set modality.inputs: .image, sensor."):
        make_blueprint(parse_spec_text(regression.format(inputs="[image, text]", task="",
                                                         fusion="strategy: late")))  # fmt: skip


def test_the_audio_clip_follows_the_spec() -> None:
    """modality.audio's rate and clip length set the audio input; without a clip length it
    is a quarter second; a rate too low for the built-in tones is refused."""
    with_audio = SPEC.replace("outputs: [label],", "outputs: [label], audio: {{{audio}}},")
    for audio, expected in (("sample_rate: 16000, clip_seconds: 0.5", (16000, 8000)),
                            ("sample_rate: 16000", (16000, 4096)), ("", (16000, 4096))):  # fmt: skip
        bp = make_blueprint(parse_spec_text(with_audio.format(
            inputs="[audio, text]", task="", fusion="strategy: late", audio=audio)))  # fmt: skip
        assert (bp.dims["audio_sample_rate"], bp.dims["audio_samples"]) == expected
        assert (bp.data["audio_rate"], bp.data["audio_samples"]) == expected
    with pytest.raises(PlanError, match="below 4000 Hz"):
        make_blueprint(parse_spec_text(with_audio.format(
            inputs="[audio, text]", task="", fusion="strategy: late", audio="sample_rate: 2000")))  # fmt: skip


def test_hierarchical_fusion_without_dropout_is_warned_about() -> None:
    warned = plan(fusion="strategy: hierarchical")
    assert any("modality_dropout 0 never trains" in w for w in warned.warnings)
    quiet = plan(fusion="strategy: hierarchical, modality_dropout: 0.2")
    assert not any("modality_dropout" in w for w in quiet.warnings)


def test_a_head_count_no_standard_width_has_is_a_plan_error() -> None:
    """Found by tests/spec/test_spec_fuzz.py: 127 heads divide no fusion width under 100k
    parameters, and the solver had no shape to take the smallest of."""
    spec = parse_spec_text(
        "name: x\nmodality: {inputs: [image, text], outputs: [label], image: {image_size: 16}}\n"
        "task: {type: classification}\nconstraints: {parameter_budget: {max: 100k}}\n"
        "fusion: {strategy: hybrid, encoder: transformer, heads: 127}\n"
    )
    with pytest.raises(PlanError, match=r"n_heads=127\): a head count must divide"):
        make_blueprint(spec)
