"""Planning speech recognition (no torch): routing audio -> text to the task, the encoder-
decoder or CTC by objective, whisper_tiny's exact count, the data the plan asks for, and
located errors for specs that make no sense."""

from __future__ import annotations

import pytest
import yaml
from tests.paths import EXAMPLES

from metagen.archs.speech_encoder_decoder.shapes import SMOKE_SPEECH_TEXT_CTX, SMOKE_SPEECH_VOCAB
from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.codegen.package import infer_template
from metagen.data.tokenizer import ByteTokenizer
from metagen.handlers.tasks.registry import resolve_task_type
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec
from metagen.spec.errors import SpecError
from metagen.tasks.speech_recognition import handler


def write(tmp_path, doc: dict):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return load_spec(path)


def asr_spec(**sections) -> dict:
    return {
        "metagen_version": "1.0",
        "name": "asr",
        "modality": {
            "inputs": ["audio"],
            "outputs": ["text"],
            "audio": {"sample_rate": 8000, "hop_length": 160, "clip_seconds": 2},
        },
        "constraints": {"parameter_budget": {"max": "10M"}},
        **sections,
    }


def test_audio_to_text_generation_is_speech_recognition(tmp_path):
    spec = write(tmp_path, asr_spec())  # task.type left at generation
    assert resolve_task_type(spec) == "speech_recognition"
    bp = make_blueprint(spec)
    assert (bp.arch, bp.task, bp.loss) == (
        "speech_encoder_decoder",
        "speech_recognition",
        "speech_recognition",
    )
    assert 0.9 * 10_000_000 <= sum(count_params(bp.arch, bp.dims).values()) <= 10_000_000
    assert bp.dims["encoder_layers"] == bp.dims["decoder_layers"]
    assert (
        bp.dims["d_model"] // bp.dims["n_heads"] == 64 and bp.dims["d_ff"] == 4 * bp.dims["d_model"]
    )
    assert bp.dims["n_text_ctx"] == 448 and bp.data["seq_len"] == 448  # Whisper's
    assert bp.data["max_words"] == 4 and bp.data["clip_samples"] == 16000
    assert infer_template(bp) == "tasks/speech_recognition/infer.py.j2"
    assert "wer" in bp.metrics and "constant_transcript_wer" in bp.metrics


def test_ctc_objective_builds_the_encoder_with_a_ctc_head(tmp_path):
    bp = make_blueprint(
        write(
            tmp_path, asr_spec(task={"type": "speech_recognition"}, training={"objective": ["ctc"]})
        )
    )
    assert (bp.arch, bp.task) == ("speech_ctc", "speech_recognition_ctc")
    assert [name for name, _ in bp.components][-1] == "ctc_head"
    assert "seq_len" not in bp.data and "n_text_ctx" not in bp.dims
    assert infer_template(bp) == "tasks/speech_recognition_ctc/infer.py.j2"
    assert any("blank = the last id" in d for d in bp.decisions)


def test_whisper_tiny_example_plans_its_published_count():
    bp = make_blueprint(load_spec(EXAMPLES / "audio" / "whisper_tiny.yaml"))
    plan = plan_dict(bp)
    assert plan["params_total"] == all_variants()["whisper_tiny"].published_params == 37_760_640
    parts = {c["name"]: c["params"] for c in plan["components"]}
    assert parts["stem"] == 80 * 384 * 3 + 384 + 384 * 384 * 3 + 384 + 1500 * 384
    assert parts["lm_head"] == 0 and parts["token_embedding"] == 51865 * 384
    assert bp.data["sample_rate"] == 16000 and bp.data["clip_samples"] == 480_000
    smoke = bp.scales["smoke"]
    assert smoke.model["vocab_size"] == SMOKE_SPEECH_VOCAB == ByteTokenizer.vocab_size
    assert smoke.model["n_text_ctx"] == smoke.data["seq_len"] == SMOKE_SPEECH_TEXT_CTX
    assert smoke.data["clip_samples"] == smoke.model["clip_samples"] == 24000
    # 50 frames a second at smoke scale: hop and window doubled, the filterbank unchanged
    assert (smoke.model["hop_length"], smoke.model["n_fft"]) == (320, 800)


def test_whisper_tiny_notes_the_frontend_it_overrides(tmp_path):
    doc = asr_spec(architecture={"variant": "whisper_tiny"})
    doc["constraints"]["parameter_budget"]["max"] = "40M"
    bp = make_blueprint(write(tmp_path, doc))
    assert bp.dims["sample_rate"] == 16000 and bp.data["sample_rate"] == 16000
    [note] = [d for d in bp.decisions if "fixes its frontend" in d]
    assert "sample_rate 8000 (not 16000)" in note and "clip_seconds 2 (not 30)" in note


def test_the_plan_says_which_synthetic_speech_it_will_use(tmp_path, monkeypatch):
    monkeypatch.setattr(handler.shutil, "which", lambda name: None)
    bp = make_blueprint(write(tmp_path, asr_spec()))
    assert any("FALLBACK" in d and "not speech" in d for d in bp.decisions)
    monkeypatch.setattr(handler.shutil, "which", lambda name: "/usr/bin/espeak-ng")
    bp = make_blueprint(write(tmp_path, asr_spec()))
    assert any(d.startswith("Synthetic data: espeak-ng (/usr/bin/espeak-ng)") for d in bp.decisions)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"training": {"objective": ["diffusion"]}}, "does not fit speech recognition"),
        ({"training": {"objective": ["ctc", "autoregressive"]}}, "trains with one of them"),
        ({"architecture": {"family": "cnn"}}, "builds a transformer"),
        (
            {
                "task": {"type": "speech_recognition"},
                "modality": {"inputs": ["audio"], "outputs": ["label"]},
            },
            "Set modality.outputs to",
        ),
        (
            {"modality": {"inputs": ["audio"], "outputs": ["text"], "text": {"vocab_size": 100}}},
            "smaller than the byte tokenizer",
        ),
        (
            {"training": {"objective": ["ctc"]}, "architecture": {"variant": "whisper_tiny"}},
            "is a speech_encoder_decoder",
        ),
        ({"architecture": {"variant": "gpt2"}}, "is a decoder_lm"),
        (
            {
                "constraints": {"parameter_budget": {"max": "30M"}},
                "architecture": {"variant": "whisper_tiny"},
            },
            "over constraints.parameter_budget.max",
        ),
    ],
    ids=[
        "objective",
        "two-objectives",
        "family",
        "label-output",
        "vocab",
        "ctc-whisper",
        "lm-variant",
        "budget",
    ],
)
def test_specs_that_make_no_sense_stop_with_a_message(tmp_path, change, words):
    with pytest.raises(PlanError, match=words):
        make_blueprint(write(tmp_path, {**asr_spec(), **change}))


def test_speech_recognition_of_text_is_a_located_spec_error(tmp_path):
    doc = asr_spec(task={"type": "speech_recognition"})
    doc["modality"] = {"inputs": ["text"], "outputs": ["text"]}
    with pytest.raises(
        SpecError, match=r"spec.yaml:\d+:\d+: task.type: speech_recognition needs audio"
    ):
        write(tmp_path, doc)


def test_audio_generation_without_audio_outputs_says_what_to_do(tmp_path):
    doc = asr_spec(modality={"inputs": ["audio"], "outputs": ["label"]})
    with pytest.raises(PlanError, match="task.type: classification"):
        make_blueprint(write(tmp_path, doc))
