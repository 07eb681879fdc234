"""Damaged audio files are refused when a dataset loads, by every reader of user audio and with
or without the soundfile package: the error names the file and says what is wrong, before any
training step would have decoded it."""

from __future__ import annotations

import struct
import wave

import numpy as np
import pytest
from tests.data.rejected_runs import synth_package, train_refuses

from metagen.data import audio_io
from metagen.data.audio_io import audio_header, write_wav
from metagen.tasks.runtime import build_datasets

RATE, FRAMES = 8000, 2400  # 0.3 s clips of 16-bit mono PCM: 44-byte header, 4800 data bytes
CLASSIFY = {"kind": "audio", "sample_rate": RATE, "clip_samples": 4000, "val_fraction": 0.25}
GENERATE = {"sample_rate": RATE, "prompt_samples": 400, "seq_len": 200, "val_fraction": 0.25}
SPEECH = {**CLASSIFY, "hop_length": 160, "seq_len": 16, "max_words": 2}


def tone_wav(path, frames: int = FRAMES, freq: float = 440.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, 0.5 * np.sin(2 * np.pi * freq * np.arange(frames) / RATE), RATE)


def damage(path, how: str) -> list[str]:
    """Write a damaged file at `path`; the words its error must hold."""
    if how == "header_only":  # a valid header that declares no samples
        tone_wav(path, frames=0)
        return ["has no samples"]
    if how == "cut_in_header":
        tone_wav(path)
        path.write_bytes(path.read_bytes()[:20])
        return ["cannot read audio", "damaged or not audio"]
    if how == "text":
        path.write_text("this is not audio\n")
        return ["cannot read audio", "damaged or not audio"]
    if how == "empty":
        path.write_bytes(b"")
        return ["is empty (0 bytes)"]
    if how == "half_data":  # the header still declares FRAMES frames
        tone_wav(path)
        path.write_bytes(path.read_bytes()[: 44 + FRAMES])
        return ["is cut short", f"declares {2 * FRAMES} bytes", f"holds {FRAMES}"]
    raise AssertionError(how)


def classification_folder(root, bad: str):
    for name, freq in (("high", 880.0), ("low", 220.0)):
        for i in range(4):
            tone_wav(root / name / f"{i}.wav", freq=freq)
    return "classification", CLASSIFY, root, root / "low" / bad


def speech_folder(root, bad: str):
    for i in range(4):
        tone_wav(root / f"{i}.wav")
        (root / f"{i}.txt").write_text("yes")
    (root / bad).with_suffix(".txt").write_text("no")
    return "speech_recognition", SPEECH, root, root / bad


def generation_folder(root, bad: str):
    for i in range(4):
        tone_wav(root / f"{i}.wav")
    return "audio_generation", GENERATE, root, root / "sub" / bad


READERS = {
    "classification": classification_folder,
    "speech": speech_folder,
    "generation": generation_folder,
}
DAMAGE = ["header_only", "cut_in_header", "text", "empty", "half_data"]


@pytest.fixture(params=["soundfile", "wave"])
def audio_backend(request, monkeypatch):
    if request.param == "wave":  # the stdlib path a package takes without soundfile installed
        monkeypatch.setattr(audio_io, "_soundfile", lambda: None)
    return request.param


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("reader", list(READERS))
def test_a_damaged_file_is_refused_when_the_data_loads(tmp_path, reader, how, audio_backend):
    task, cfg, root, bad = READERS[reader](tmp_path / "data", "zz_bad.wav")
    bad.parent.mkdir(parents=True, exist_ok=True)
    words = damage(bad, how)
    with pytest.raises(ValueError) as error:
        build_datasets(task, cfg, str(root), seed=0)
    message = str(error.value)
    assert str(bad) in message, message
    for word in words:
        assert word in message, message
    assert "\n" not in message


def test_the_cut_short_numbers_are_the_header_and_the_file(tmp_path):
    path = tmp_path / "cut.wav"
    tone_wav(path)
    path.write_bytes(path.read_bytes()[: 44 + 1001])  # cut inside a sample, too
    with wave.open(str(path), "rb") as f:  # the stdlib's reading of the header
        declared = f.getnframes() * f.getsampwidth()
    with pytest.raises(ValueError, match=f"declares {declared} bytes .* holds 1001;"):
        audio_header(path)


def with_chunk(path, name: bytes, payload: bytes, *, before_data: bool) -> None:
    """Insert a RIFF chunk (padded to an even size) before or after the data chunk."""
    data = path.read_bytes()
    chunk = name + struct.pack("<I", len(payload)) + payload + b"\0" * (len(payload) % 2)
    at = data.index(b"data") if before_data else len(data)
    data = data[:at] + chunk + data[at:]
    path.write_bytes(data[:4] + struct.pack("<I", len(data) - 8) + data[8:])


@pytest.mark.parametrize("layout", ["plain", "list_before_data", "odd_chunk", "chunk_after_data"])
def test_whole_wavs_with_other_chunks_load(tmp_path, layout, audio_backend):
    path = tmp_path / "a.wav"
    tone_wav(path)
    if layout == "list_before_data":
        with_chunk(path, b"LIST", b"INFOISFT\x08\0\0\0metagen\0", before_data=True)
    elif layout == "odd_chunk":
        with_chunk(path, b"junk", b"abc", before_data=True)
    elif layout == "chunk_after_data":
        with_chunk(path, b"LIST", b"INFO", before_data=False)
    assert audio_header(path) == (FRAMES, RATE)
    samples, rate = audio_io.read_audio(path)
    assert rate == RATE and samples.shape == (FRAMES,)


def test_a_streamed_wav_without_its_data_size_is_not_called_cut_short(tmp_path):
    path = tmp_path / "streamed.wav"
    tone_wav(path)
    data = bytearray(path.read_bytes())
    data[40:44] = struct.pack("<I", 0xFFFFFFFF)  # the data chunk's size, never filled in
    path.write_bytes(bytes(data))
    assert audio_io._wav_shortfall(path) is None


@pytest.fixture(scope="module")
def audio_classifier(tmp_path_factory):
    return synth_package("audio/audio_classifier.yaml", tmp_path_factory.mktemp("package"))


@pytest.mark.parametrize("how", ["half_data", "header_only"])
def test_train_py_refuses_a_damaged_file_before_training(tmp_path, audio_classifier, how):
    _, _, root, bad = classification_folder(tmp_path / "data", "zz_bad.wav")
    words = damage(bad, how)
    error = train_refuses(audio_classifier, root, tmp_path / "out")
    assert str(bad) in error and all(word in error for word in words), error
