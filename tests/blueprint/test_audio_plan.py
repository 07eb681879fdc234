"""Planning audio specs (no torch): the seed's 1B audio LM, the schema's defaults, the routes
that are not built yet, and what the plan says about the KV cache."""

from __future__ import annotations

import pytest
import yaml
from tests.paths import EXAMPLES, seed_spec

from metagen.blueprint.model import PlanError
from metagen.codegen.package import infer_template
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec


def plan_of(tmp_path, doc: dict) -> dict:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return plan_dict(make_blueprint(load_spec(path)))


def audio_spec(**modality) -> dict:
    return {
        "metagen_version": "1.0",
        "name": "a",
        "modality": {"inputs": ["audio"], "outputs": ["audio"], **modality},
        "constraints": {"parameter_budget": {"max": "30M"}},
        "training": {"objective": ["autoregressive"]},
    }


def test_musicgen_seed_fills_its_budget_with_encoder_and_decoder():
    bp = make_blueprint(load_spec(seed_spec("audio_musicgen")))
    plan = plan_dict(bp)
    assert plan["arch"] == "audio_lm" and plan["task"] == "audio_generation"
    assert 0.9 * 1_000_000_000 <= plan["params_total"] <= 1_000_000_000
    roles = " ".join(a["role"] for a in plan["architecture"])
    for words in ("spectrogram encoder", "temporal attention", "autoregressive"):
        assert words in roles
    dims = plan["dims"]
    assert dims["context_length"] == 32768 and dims["n_kv_heads"] < dims["n_heads"]  # GQA
    head_dim = dims["d_model"] // dims["n_heads"]
    kv = 2 * dims["n_layers"] * dims["n_kv_heads"] * head_dim * 32768 * 2  # K and V, bf16
    assert plan["memory"]["kv_cache_bf16_bytes"] == kv
    assert plan["memory"]["kv_cache_context_length"] == 32768
    assert infer_template(bp) == "tasks/audio_generation/infer.py.j2"


def test_schema_defaults_reach_the_frontend(tmp_path):
    plan = plan_of(tmp_path, audio_spec())
    dims = plan["dims"]
    assert (dims["sample_rate"], dims["n_mels"], dims["hop_length"]) == (16000, 80, 256)
    assert dims["n_fft"] == 4 * 256 and dims["prompt_samples"] == 16000  # a 1 s prompt
    assert dims["context_length"] == 16384 and plan["data"]["seq_len"] == 8192  # windows
    assert plan["data"]["kind"] == "audio"
    assert any("clip_seconds" in d for d in plan["decisions"])


def test_audio_classifier_routes_to_the_classification_task():
    bp = make_blueprint(load_spec(EXAMPLES / "audio" / "audio_classifier.yaml"))
    assert (bp.arch, bp.task, bp.data["kind"]) == ("audio_transformer", "classification", "audio")
    assert bp.dims["clip_samples"] == 4000 and bp.dims["num_classes"] == 12
    assert bp.scales["smoke"].data["clip_samples"] == bp.scales["smoke"].model["clip_samples"]
    assert infer_template(bp) == "tasks/classification/infer_audio.py.j2"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"modality": {"inputs": ["text"], "outputs": ["audio"]}}, "text-conditioned audio"),
        # audio -> text is speech recognition (tests/tasks/speech_recognition/test_asr_plan.py)
        ({"modality": {"inputs": ["audio"], "outputs": ["label"]}}, "task.type: classification"),
        ({"training": {"objective": ["diffusion"]}}, "diffusion"),
        ({"architecture": {"family": "cnn"}}, "does not fit the audio modality"),
        (
            {
                "modality": {
                    "inputs": ["audio"],
                    "outputs": ["audio"],
                    "audio": {"clip_seconds": 0.01},
                }
            },
            "clip_seconds",
        ),
    ],
    ids=["tts", "label-generation", "diffusion", "cnn", "short-clip"],
)
def test_unsupported_audio_specs_stop_with_a_message(tmp_path, change, words):
    with pytest.raises(PlanError, match=words):
        plan_of(tmp_path, {**audio_spec(), **change})
