"""The latency estimate and the solver that honours it: the roofline's arithmetic, what each
label means, the binding constraint in the plan, and refusals that say how to fix them."""

from __future__ import annotations

import json

import pytest
from tests.cli.helpers import error_paragraph, invoke
from tests.paths import EXAMPLES, seed_spec

import metagen.latency_cli  # noqa: F401  (registers `calibrate` on the app)
from metagen.blueprint.cost import Cost
from metagen.blueprint.devices import DEVICES, REFERENCE_CPU, Device, device_named
from metagen.blueprint.latency import component_time
from metagen.blueprint.latency_plan import LABEL_TARGETS
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec, parse_spec_text

TOY = Device(
    name="toy",
    representative="a device of round numbers",
    peak={"bf16": 1e12},
    bandwidth=1e9,
    memory=10**9,
    precision="bf16",
    compute_efficiency=0.5,
    memory_efficiency=0.5,
    kernel_overhead=1e-5,
    source="made up for the test",
)

IMAGE = """
name: img
modality: {{inputs: [image], outputs: [label], image: {{image_size: 32}}}}
task: {{type: classification, num_classes: 10}}
constraints: {{parameter_budget: {{max: "5M"}}{extra}}}
architecture: {{family: cnn}}
"""


def image_plan(extra: str = "") -> dict:
    return plan_dict(make_blueprint(parse_spec_text(IMAGE.format(extra=extra))))


def test_roofline_takes_the_larger_of_compute_and_memory_plus_launches():
    cost = Cost(flops=10**9, kernels=10, activations=10**6)
    time = component_time("blocks", cost, params=10**6, device=TOY)
    assert time.compute_s == pytest.approx(10**9 / (1e12 * 0.5))  # 2 ms
    # the weights, then the activations written and read again, two bytes each in bf16
    assert time.bytes == (10**6 + 2 * 10**6) * 2
    assert time.memory_s == pytest.approx(6e6 / (1e9 * 0.5))  # 12 ms
    assert time.overhead_s == pytest.approx(10 * 1e-5)
    assert time.seconds == pytest.approx(12e-3 + 1e-4)
    assert time.bound == "memory"


def test_a_lookup_reads_the_rows_it_writes_not_its_table():
    embedding = component_time("token_embedding", Cost(0, 1, 64 * 32), 50_000 * 32, TOY)
    assert embedding.bytes == 3 * 64 * 32 * 2


def test_every_device_class_of_the_schema_has_stated_numbers():
    from metagen.spec.vocab import DEVICES as SCHEMA_DEVICES

    assert set(SCHEMA_DEVICES) == {*DEVICES, "cpu"}
    for device in [*DEVICES.values(), REFERENCE_CPU]:
        assert device.peak[device.precision] > 0 and device.bandwidth > 0
        assert device.memory > 0 and device.source


def test_labels_mean_the_documented_numbers():
    real_time = LABEL_TARGETS["real-time"]
    assert real_time is not None
    assert real_time["frame"] == 33.0  # 30 frames a second
    assert 1e3 / real_time["token"] == 20.0  # tokens a second
    assert real_time["audio"] == 1.0  # keeps up with the stream
    assert LABEL_TARGETS["offline"] is None and LABEL_TARGETS["batch"] is None


def test_the_seed_yolo_detector_is_planned_against_33_ms_on_edge():
    plan = plan_dict(make_blueprint(load_spec(seed_spec("yolo_detector"))))
    latency = plan["latency"]
    assert latency["kind"] == "estimate" and latency["device"] == "edge"
    assert latency["target"]["limit_ms"] == 33.0
    assert "33 ms per 640x640 image" in latency["target"]["text"]
    assert latency["meets"] is (latency["figure"]["ms"] <= 33.0)
    assert plan["binding_constraint"] == "architecture.variant yolo_v8"
    components = {c["name"] for c in latency["components"]}
    assert {"backbone", "neck", "head"} <= components
    assert latency["forward_ms"] == pytest.approx(sum(c["ms"] for c in latency["components"]))


def test_a_latency_target_shrinks_the_model_and_names_itself_as_binding():
    free = image_plan()
    fast = image_plan(", latency: 5ms, device: cpu")
    assert free["binding_constraint"] == "parameter budget"
    assert free["latency"]["figure"]["ms"] > 5
    assert fast["binding_constraint"] == "latency"
    assert fast["params_total"] < free["params_total"]
    assert fast["latency"]["figure"]["ms"] <= 5 and fast["latency"]["meets"] is True
    assert any("The latency target binds" in d for d in fast["decisions"])


@pytest.mark.timed
def test_what_a_5ms_target_plans_runs_within_5ms_here(tmp_path, monkeypatch):
    from metagen.timing.measure import measure_forward

    monkeypatch.setenv("METAGEN_CPU_CALIBRATION", str(tmp_path / "cpu.json"))
    assert invoke("calibrate").exit_code == 0
    fast = image_plan(", latency: 5ms, device: cpu")
    assert fast["latency"]["basis"] == "calibrated" and fast["binding_constraint"] == "latency"
    measured = measure_forward(fast["arch"], fast["dims"], fast["data"], max_seconds=2.0)
    assert measured["median_ms"] <= 5.0, (measured, fast["latency"]["figure"])


def test_a_latency_without_a_device_is_estimated_for_this_cpu():
    plan = image_plan(", latency: 50ms")
    assert plan["latency"]["device"] == "cpu"
    assert any("names no constraints.device" in d for d in plan["decisions"])


def test_an_impossible_latency_is_refused_with_the_estimate_and_a_fix():
    with pytest.raises(PlanError, match=r"No standard resnet shape meets the latency target"):
        image_plan(", latency: 1us, device: edge")
    spec = EXAMPLES / "image" / "shapes_cnn.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "latency" not in text


def test_the_cli_refuses_an_impossible_latency_in_one_paragraph(tmp_path):
    spec = tmp_path / "fast.yaml"
    spec.write_text(IMAGE.format(extra=", latency: 1us, device: edge"), encoding="utf-8")
    message = error_paragraph(invoke("plan", spec))
    assert "is estimated at" in message and "Relax constraints.latency" in message


def test_a_named_variant_that_misses_the_latency_is_kept_with_a_warning():
    spec = parse_spec_text(
        "name: lm\nmodality: {inputs: [text], outputs: [text]}\n"
        "constraints: {latency: 10ms, device: cpu}\n"
        "training: {objective: [autoregressive]}\n"
        "architecture: {family: transformer, variant: gpt2}\n"
    )
    plan = plan_dict(make_blueprint(spec))
    assert plan["binding_constraint"] == "architecture.variant gpt2"
    assert plan["latency"]["meets"] is False
    warning = next(w for w in plan["warnings"] if "over the latency target" in w)
    assert f"{plan['latency']['figure']['ms']:.3g} ms" in warning
    assert "at most 10 ms per decoded token at 1,024 tokens of context" in warning


def test_language_models_state_first_token_and_decode_speed():
    figure = plan_dict(make_blueprint(load_spec(EXAMPLES / "text" / "gpt2.yaml")))["latency"]
    figure = figure["figure"]
    assert figure["kind"] == "token"
    assert figure["tokens_per_s"] == pytest.approx(1e3 / figure["ms"])
    assert figure["first_token_ms"] > figure["ms"]  # a whole context against one token


def test_audio_models_state_a_real_time_factor():
    plan = plan_dict(make_blueprint(load_spec(EXAMPLES / "audio" / "audio_classifier.yaml")))
    figure = plan["latency"]["figure"]
    assert figure["kind"] == "audio"
    clip_s = plan["data"]["clip_samples"] / plan["data"]["sample_rate"]
    assert figure["real_time_factor"] == pytest.approx(figure["ms"] / 1e3 / clip_s)


def test_calibrate_keeps_this_machines_numbers_and_plans_use_them(tmp_path, monkeypatch):
    monkeypatch.setenv("METAGEN_CPU_CALIBRATION", str(tmp_path / "cpu.json"))
    assert device_named("cpu") == REFERENCE_CPU
    result = invoke("calibrate")
    assert result.exit_code == 0, result.output
    device = device_named("cpu")
    assert device.basis == "calibrated" and device.kernel_overhead > 0
    assert 0 < device.compute_efficiency <= 1
    saved = json.loads((tmp_path / "cpu.json").read_text(encoding="utf-8"))
    assert saved["peak"]["fp32"] == device.peak["fp32"]
    plan = image_plan()
    assert plan["latency"]["basis"] == "calibrated"
    assert plan["latency"]["inputs"]["kernel_overhead_s"] == device.kernel_overhead


def test_a_corrupt_calibration_falls_back_to_the_reference_cpu(tmp_path, monkeypatch):
    path = tmp_path / "cpu.json"
    path.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("METAGEN_CPU_CALIBRATION", str(path))
    assert device_named("cpu") == REFERENCE_CPU


def test_plan_measure_times_the_model_beside_the_estimate(tmp_path, monkeypatch):
    monkeypatch.setenv("METAGEN_CPU_CALIBRATION", str(tmp_path / "cpu.json"))
    spec = EXAMPLES / "tabular" / "tabular_classifier.yaml"
    result = invoke("plan", spec, "--measure", "--scale", "smoke", "--json")
    assert result.exit_code == 0, result.output
    measured = json.loads(result.stdout)["measured_latency"]
    assert measured["scale"] == "smoke" and measured["threads"] == 1
    assert measured["median_ms"] > 0 and measured["runs"] >= 1
    assert measured["ratio"] == pytest.approx(measured["estimate_ms"] / measured["median_ms"])
    shown = invoke("plan", spec, "--measure", "--scale", "smoke")
    assert "estimate / measured" in shown.stdout


def test_plan_measure_refuses_an_unknown_scale():
    spec = EXAMPLES / "tabular" / "tabular_classifier.yaml"
    assert "--scale 'huge'" in error_paragraph(invoke("plan", spec, "--measure", "--scale", "huge"))


def test_plan_measure_refuses_a_model_too_large_to_build_here(tmp_path, monkeypatch):
    monkeypatch.setenv("METAGEN_CPU_CALIBRATION", str(tmp_path / "cpu.json"))
    message = error_paragraph(invoke("plan", EXAMPLES / "multimodal" / "vlm.yaml", "--measure"))
    assert "too many to build here only to time it" in message and "--scale smoke" in message


def test_scale_without_measure_is_refused():
    spec = EXAMPLES / "tabular" / "tabular_classifier.yaml"
    assert "add --measure" in error_paragraph(invoke("plan", spec, "--scale", "smoke"))
