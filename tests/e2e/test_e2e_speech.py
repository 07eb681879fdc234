"""Speech recognizers trained as a user would: the generated package's train.py on the
built-in spoken words, then evaluate.py and infer.py on the trained checkpoint. Malformed user
data stops train.py with a located error and nothing written (fast); the quality checks run
the full smoke scale (slow)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from tests.codegen.generated import synth_run
from tests.e2e.runs import loss_drop, read_json, run_script
from tests.paths import EXAMPLES

from metagen.data.audio_io import write_wav

ESPEAK = shutil.which("espeak-ng")
# The smoke-trained model's held-out WER must be this far below each trivial baseline's:
# the empty transcript (WER 1) and the most frequent held-out transcript (about 0.93).
WER_MARGIN = 0.3


def test_malformed_user_data_stops_train_py_with_a_located_error(tmp_path):
    run_dir = synth_run(EXAMPLES / "audio" / "speech_recognizer.yaml", tmp_path)
    data = tmp_path / "clips"
    data.mkdir()
    (data / "a.wav").write_bytes(b"")
    (data / "transcripts.tsv").write_text("a.wav yes\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "train.py", "--scale", "smoke", "--data", str(data), "--out", str(out)],
        cwd=run_dir / "code",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert (
        f"{data / 'transcripts.tsv'} line 1: expected 'audio path<TAB>transcript'" in result.stderr
    )
    assert "Traceback" not in result.stderr and not out.exists()


def train_smoke(spec_path, tmp_path):
    run_dir = synth_run(spec_path, tmp_path)
    out = run_dir / "train"
    run_script(
        run_dir / "code",
        "train.py",
        "--scale",
        "smoke",
        "--out",
        str(out),
        "--no-progress",
        timeout=900,
    )
    return run_dir, out


def check_beats_baselines(results: dict) -> None:
    assert results["wer"] <= results["empty_transcript_wer"] - WER_MARGIN, results
    assert results["wer"] <= results["constant_transcript_wer"] - WER_MARGIN, results
    assert results["cer"] <= results["constant_transcript_cer"] - WER_MARGIN, results


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory):
    return train_smoke(
        EXAMPLES / "audio" / "speech_recognizer.yaml", tmp_path_factory.mktemp("asr")
    )


@pytest.mark.slow
def test_smoke_recognizer_beats_the_trivial_transcripts(recognizer):
    run_dir, out = recognizer
    metrics, info = read_json(out / "metrics.json"), read_json(out / "data_info.json")
    assert loss_drop(metrics) >= 0.3
    assert info["speech_source"].startswith("espeak-ng" if ESPEAK else "FALLBACK")
    check_beats_baselines(metrics["eval"])
    # every held-out clip, through the generated evaluate.py
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", str(out))
    full = read_json(out / "eval" / "metrics.json")
    assert full["num_samples"] == info["num_val"] == 256
    check_beats_baselines(full)


@pytest.mark.slow
def test_evaluate_reproduces_the_runs_own_held_out_metrics(recognizer):
    run_dir, out = recognizer
    metrics = read_json(out / "metrics.json")
    run_script(
        run_dir / "code",
        "evaluate.py",
        "--checkpoint",
        str(out),
        "--batch-size",
        str(metrics["batch_size"]),
        "--max-batches",
        str(metrics["train_config"]["eval_batches"]),
    )
    again = read_json(out / "eval" / "metrics.json")
    assert again["loss"] == pytest.approx(metrics["eval"]["loss"], rel=1e-5)
    assert again["wer"] == pytest.approx(metrics["eval"]["wer"], abs=1e-9)


# Clean espeak-ng recordings (no pause, gain or noise added), one voice and speed each.
SPOKEN = [
    ("seven", "en-us", 175),
    ("left", "en-gb", 140),
    ("yes", "en-us+f3", 210),
    ("two", "en-gb-scotland+m3", 175),
]


@pytest.mark.slow
@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
def test_infer_transcribes_spoken_wav_files(recognizer, tmp_path):
    run_dir, out = recognizer
    clips = tmp_path / "clips"
    clips.mkdir()
    for word, voice, speed in SPOKEN:
        wav = clips / f"{word}.wav"  # 22 kHz from espeak-ng: resampled on the way in
        subprocess.run([ESPEAK, "-v", voice, "-s", str(speed), "-w", str(wav), word], check=True)
    predictions = tmp_path / "transcripts.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(clips),
               "--out", str(predictions))  # fmt: skip
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    heard = {Path(row["input"]).stem: row["transcript"] for row in rows}
    assert sorted(heard) == sorted(word for word, _, _ in SPOKEN)
    right = sum(heard[word] == word for word, _, _ in SPOKEN)
    assert right >= 3, heard
    missing = subprocess.run(
        [sys.executable, "infer.py", "--checkpoint", str(out), str(tmp_path / "nowhere.wav")],
        cwd=run_dir / "code",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and missing.stderr.startswith("error:")


@pytest.mark.slow
def test_smoke_ctc_recognizer_beats_the_trivial_transcripts(tmp_path):
    # The example recognizer trained with CTC instead (not an example: its 1000 smoke steps
    # take over the examples' two minutes on a shared CPU).
    doc = yaml.safe_load((EXAMPLES / "audio" / "speech_recognizer.yaml").read_text())
    doc.update(name="speech_ctc", training={"objective": ["ctc"]})
    spec = tmp_path / "speech_ctc.yaml"
    spec.write_text(yaml.safe_dump(doc), encoding="utf-8")
    run_dir, out = train_smoke(spec, tmp_path)
    metrics = read_json(out / "metrics.json")
    assert metrics["task"] == "speech_recognition_ctc" and loss_drop(metrics) >= 0.3
    check_beats_baselines(metrics["eval"])
    wav = tmp_path / "tone.wav"  # any audio: CTC's greedy path may be empty, never an error
    write_wav(wav, 0.3 * np.sin(np.arange(8000) / 5.0), 8000)
    result = run_script(run_dir / "code", "infer.py", "--checkpoint", str(out), str(wav))
    assert "error" not in result.stderr and result.stdout.startswith(f"{wav}\t")
