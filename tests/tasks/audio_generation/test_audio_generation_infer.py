"""The generated infer.py of an audio generator (issue 16): each request (an audio prompt, or
a row with a prompt or none and a seed) writes one WAV at the run's sample rate, as long as
the continuations it was trained on unless --seconds says otherwise; a request's audio is the
same whatever the batch around it; a request naming no such prompt is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained, jsonl_rows, run_infer


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    spec = EXAMPLES / "audio" / "audio_generation_small.yaml"
    return briefly_trained(spec, tmp_path_factory.mktemp("audio_lm"))


def test_each_request_writes_a_wav_the_same_in_any_batch(run, tmp_path) -> None:
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    rate = info["sample_rate"]
    t = np.arange(rate // 2) / rate
    soundfile.write(str(tmp_path / "tone.wav"), 0.4 * np.sin(2 * np.pi * 220 * t), rate)
    requests = tmp_path / "requests.jsonl"
    lines = [{"prompt": "tone.wav", "seed": 3}, {"seed": 3}, {}]
    requests.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "together.jsonl"
    done = run_infer(
        run, str(tmp_path / "tone.wav"), str(requests), "--out", str(out), "--seed", "3"
    )
    assert done.returncode == 0, done.stderr
    rows = jsonl_rows(out)
    assert [r["input"] for r in rows] == [str(tmp_path / "tone.wav"),
                                          *(f"{requests}:{n}" for n in (1, 2, 3))]  # fmt: skip
    assert [r["seed"] for r in rows] == [3, 3, 3, 5]  # --seed plus the row's number less one
    assert [r["prompt"] for r in rows] == [str(tmp_path / "tone.wav")] * 2 + ["synthetic"] * 2
    for row in rows:
        samples, read_rate = soundfile.read(row["audio"], dtype="float32")
        # by default as long as a training continuation: seq_len samples
        assert read_rate == rate and samples.shape == (info["seq_len"],)
        assert row["seconds"] == pytest.approx(info["seq_len"] / rate)
        assert np.isfinite(samples).all() and np.abs(samples).max() <= 1.0
    audio = [Path(r["audio"]).read_bytes() for r in rows]
    assert audio[0] == audio[1]  # the same prompt and seed, the same continuation
    assert audio[1] != audio[2]  # another prompt
    alone = tmp_path / "alone.jsonl"
    done = run_infer(run, str(requests), "--out", str(alone), "--batch-size", "1", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert [Path(r["audio"]).read_bytes() for r in jsonl_rows(alone)] == audio[1:]


def test_seconds_and_with_prompt_set_the_length(run, tmp_path) -> None:
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    (tmp_path / "r.json").write_text('{"seed": 1}', encoding="utf-8")
    out = tmp_path / "out.csv"
    done = run_infer(run, str(tmp_path / "r.json"), "--out", str(out), "--seconds", "0.01",
                 "--with-prompt", "--temperature", "0")  # fmt: skip
    assert done.returncode == 0, done.stderr
    [row] = [line.split(",") for line in out.read_text().splitlines()[1:]]
    samples, _ = soundfile.read(row[1], dtype="float32")
    assert len(samples) == info["prompt_samples"] + round(0.01 * info["sample_rate"])


@pytest.mark.parametrize(
    ("text", "args", "said"),
    [
        ('{"prompt": "missing.wav"}\n', [], "no audio file"),
        ('{"seed": [1]}\n', [], "seed [1] is not a whole number"),
        ("{}\n", ["--seconds", "0"], "--seconds must be positive"),
    ],
)
def test_a_bad_request_is_one_line(run, tmp_path, text, args, said) -> None:
    requests = tmp_path / "bad.jsonl"
    requests.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run_infer(run, str(requests), "--out", str(out), *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert said in line, line
    assert not out.exists() and not (tmp_path / "out_files").exists()
