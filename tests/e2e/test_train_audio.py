"""Audio models trained as a user would: the generated package's train.py on the built-in
synthetic clips, then evaluate.py and infer.py on the trained checkpoint. The scripts' contracts
run on a short training run; the quality checks (slow) on full smoke runs."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile
from tests.codegen.generated import synth_run
from tests.e2e.runs import loss_drop, read_json, run_script
from tests.paths import EXAMPLES


def train_generator(tmp_path, steps: int):
    run_dir = synth_run(EXAMPLES / "audio" / "audio_generation_small.yaml", tmp_path)
    out = run_dir / "train"
    run_script(
        run_dir / "code",
        "train.py",
        "--scale",
        "smoke",
        "--steps",
        str(steps),
        "--out",
        str(out),
        "--no-progress",
    )
    return run_dir, out


@pytest.fixture(scope="module")
def generator(tmp_path_factory):
    # Enough to run the scripts on a real checkpoint; quality is checked by the slow tests.
    return train_generator(tmp_path_factory.mktemp("audio_lm"), steps=10)


@pytest.mark.slow
def test_generator_held_out_loss_beats_the_unigram_entropy(tmp_path):
    _, out = train_generator(tmp_path, steps=300)  # the smoke scale's own length
    metrics, info = read_json(out / "metrics.json"), read_json(out / "data_info.json")
    # A model that ignores the past samples cannot beat the entropy of their histogram.
    assert metrics["eval"]["loss"] < info["unigram_entropy_nats"]
    assert metrics["eval"]["loss"] < metrics["eval"]["unigram_entropy_nats"]  # same samples
    assert metrics["eval"]["bits_per_sample"] < info["unigram_entropy_nats"] / np.log(2)
    assert loss_drop(metrics) >= 0.3


def test_generator_evaluate_reproduces_the_held_out_loss(generator):
    run_dir, out = generator
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", str(out))
    again = read_json(out / "eval" / "metrics.json")
    assert again["loss"] == pytest.approx(read_json(out / "metrics.json")["eval"]["loss"], rel=1e-5)


def test_infer_writes_a_wav_of_the_requested_length(generator, tmp_path):
    run_dir, out = generator
    seconds = 0.05  # 400 samples: past the smoke decoder's 256-sample context, so it slides
    rate = read_json(out / "data_info.json")["sample_rate"]
    request = tmp_path / "request.json"  # no prompt: a built-in synthetic clip
    request.write_text('{"seed": 0}', encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    result = run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(request),
                        "--seconds", str(seconds), "--out", str(predictions))  # fmt: skip
    assert str(predictions) in result.stderr
    wav = json.loads(predictions.read_text(encoding="utf-8"))["audio"]
    samples, read_rate = soundfile.read(wav, dtype="float32")
    assert read_rate == rate and samples.shape == (round(seconds * rate),)
    assert np.isfinite(samples).all() and np.abs(samples).max() <= 1.0
    assert samples.std() > 0  # sampled audio, not silence


def test_infer_continues_a_prompt_file(generator, tmp_path):
    run_dir, out = generator
    prompt = tmp_path / "prompt.flac"  # another rate and format: resampled on the way in
    t = np.arange(22050) / 22050
    soundfile.write(str(prompt), 0.5 * np.sin(2 * np.pi * 330 * t), 22050)
    predictions = tmp_path / "predictions.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(prompt), "--seconds",
               "0.01", "--with-prompt", "--out", str(predictions), "--temperature", "0")  # fmt: skip
    info = read_json(out / "data_info.json")
    wav = json.loads(predictions.read_text(encoding="utf-8"))["audio"]
    samples, _ = soundfile.read(wav, dtype="float32")
    assert len(samples) == info["prompt_samples"] + round(0.01 * info["sample_rate"])
    # the prompt comes first, as written to 16-bit PCM after resampling
    assert abs(float(np.abs(samples[: info["prompt_samples"]]).max()) - 0.5) < 0.02


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    run_dir = synth_run(
        EXAMPLES / "audio" / "audio_classifier.yaml", tmp_path_factory.mktemp("audio_cls")
    )
    out = run_dir / "train"
    run_script(run_dir / "code", "train.py", "--scale", "smoke", "--out", str(out), "--no-progress")
    return run_dir, out


@pytest.mark.slow
def test_classifier_beats_twice_chance_on_held_out_clips(classifier):
    _, out = classifier
    metrics, info = read_json(out / "metrics.json"), read_json(out / "data_info.json")
    assert info["num_classes"] == 12 and metrics["eval"]["num_samples"] >= 1000
    assert metrics["eval"]["accuracy"] >= 2 / info["num_classes"]


@pytest.mark.slow
def test_classifier_infer_names_the_note_of_a_clip(classifier, tmp_path):
    run_dir, out = classifier
    info = read_json(out / "data_info.json")
    rate = info["sample_rate"]
    t = np.arange(rate) / rate  # one second of a steady A3: twice the clip, cut to fit
    wav = tmp_path / "a3.wav"
    soundfile.write(str(wav), 0.4 * np.sin(2 * np.pi * 220.0 * t), rate)
    predictions = tmp_path / "predictions.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(wav), "--out",
               str(predictions))  # fmt: skip
    [row] = [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]
    assert row["input"] == str(wav) and set(row["top"]) <= set(info["class_names"])
    assert row["label"] == "A3 steady"
