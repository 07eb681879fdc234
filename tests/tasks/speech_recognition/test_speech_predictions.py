"""What a speech recognizer's `metagen predict` writes (issue 16), for the example's
encoder-decoder and for the same recognizer trained with CTC (no example plans one): a row per
audio file (.wav or .flac) with its transcript; a file longer than the training clip is
transcribed a clip at a time, its windows' texts joined with spaces; a file that is not audio
is refused, naming it."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
import soundfile
from tests.e2e.runs import METAGEN
from tests.paths import EXAMPLES
from tests.predict.inputs.speech_recognition import write_inputs
from tests.predict.trained_runs import briefly_trained
from tests.report.generative_runs import ctc_speech_spec

from metagen.planning import make_blueprint
from metagen.spec import load_spec

pytestmark = pytest.mark.slow

SPECS = {
    "speech_recognition": lambda folder: EXAMPLES / "audio" / "speech_recognizer.yaml",
    "speech_recognition_ctc": ctc_speech_spec,
}


@pytest.fixture(scope="module", params=sorted(SPECS))
def run(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    spec = SPECS[request.param](folder)
    assert make_blueprint(load_spec(spec)).task == request.param
    return briefly_trained(spec, folder)


def predict(run, inputs, out) -> subprocess.CompletedProcess:
    command = [str(METAGEN), "predict", str(run), *map(str, inputs), "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_each_file_gets_its_transcript_and_a_long_one_its_windows(run, tmp_path) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    count = write_inputs(run, clips, 3)
    first = sorted(clips.iterdir())[0]
    samples, rate = soundfile.read(str(first), dtype="float32")
    soundfile.write(str(clips / "twice.wav"), np.concatenate([samples, samples]), rate)
    out = tmp_path / "transcripts.jsonl"
    done = predict(run, [clips], out)
    assert done.returncode == 0, done.stderr
    rows = {row["input"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert sorted(rows) == sorted(str(p) for p in clips.iterdir()) and len(rows) == count + 1
    assert all(isinstance(row["transcript"], str) for row in rows.values())
    once = rows[str(first)]["transcript"]
    assert rows[str(clips / "twice.wav")]["transcript"] == " ".join(t for t in (once, once) if t)


def test_a_file_that_is_not_audio_is_refused_naming_it(run, tmp_path) -> None:
    (tmp_path / "notes.wav").write_text("not a recording", encoding="utf-8")
    done = predict(run, [tmp_path / "notes.wav"], tmp_path / "out.jsonl")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "notes.wav" in done.stderr and not (tmp_path / "out.jsonl").exists()
