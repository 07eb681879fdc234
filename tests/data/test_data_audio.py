"""Audio data: mu-law tokens, WAV files in and out, resampling, the synthetic sets and the
user-folder loaders."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
import torch

from metagen.data import audio_io
from metagen.data.audio_io import (
    fit_audio_length,
    load_audio,
    mu_law_decode,
    mu_law_encode,
    read_audio,
    resample_audio,
    write_wav,
)
from metagen.data.synthetic_audio import AUDIO_PITCHES, ToneClipsDataset, audio_classes
from metagen.handlers.modalities.audio import SYNTHETIC_TONE_CLASSES
from metagen.tasks.audio_generation.data import audio_generation_datasets
from metagen.tasks.classification.data_audio import (
    AudioFolderDataset,
    audio_classification_datasets,
)
from metagen.tasks.runtime import build_datasets


def tone(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(round(seconds * rate)) / rate)).astype(
        np.float32
    )


def test_mu_law_round_trips_every_level_and_is_monotone():
    levels = np.arange(256)
    assert np.array_equal(mu_law_encode(mu_law_decode(levels)), levels)
    x = np.linspace(-1, 1, 10001)
    ids = mu_law_encode(x)
    assert ids.min() == 0 and ids.max() == 255 and np.all(np.diff(ids) >= 0)
    assert mu_law_encode(np.array([0.0]))[0] == 128
    # companding: quiet samples get fine steps, loud ones coarse steps
    error = np.abs(mu_law_decode(ids) - x)
    assert error[np.abs(x) < 0.01].max() < 5e-4 and error.max() < 0.025


def test_write_wav_reads_back_with_soundfile_and_without(tmp_path, monkeypatch):
    samples = tone(440.0, 0.25, 8000)
    path = tmp_path / "a.wav"
    write_wav(path, samples, 8000)
    data, rate = soundfile.read(str(path), dtype="float32")
    assert rate == 8000 and data.shape == samples.shape
    np.testing.assert_allclose(data, samples, atol=1 / 32767)
    via_soundfile = read_audio(path)
    monkeypatch.setattr(audio_io, "_soundfile", lambda: None)
    via_stdlib = read_audio(path)
    np.testing.assert_array_equal(via_soundfile[0], via_stdlib[0])
    assert via_stdlib[1] == 8000


def test_flac_without_soundfile_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "a.flac"
    soundfile.write(str(path), tone(440.0, 0.1, 8000), 8000)
    assert read_audio(path)[1] == 8000
    monkeypatch.setattr(audio_io, "_soundfile", lambda: None)
    with pytest.raises(ValueError, match="pip install soundfile"):
        read_audio(path)


def test_corrupt_audio_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF not really a wav")
    with pytest.raises(ValueError, match="broken.wav"):
        read_audio(path)


def test_stereo_is_averaged_and_resampling_keeps_the_pitch(tmp_path):
    rate_in, rate_out = 44100, 16000
    left, right = tone(440.0, 0.5, rate_in), tone(440.0, 0.5, rate_in, amplitude=0.1)
    path = tmp_path / "stereo.flac"
    soundfile.write(str(path), np.stack([left, right], axis=1), rate_in)
    samples = load_audio(path, rate_out)
    assert len(samples) == round(len(left) * rate_out / rate_in)
    spectrum = np.abs(np.fft.rfft(samples))
    peak_hz = spectrum.argmax() * rate_out / len(samples)
    assert abs(peak_hz - 440.0) <= rate_out / len(samples)
    assert abs(np.abs(samples).max() - 0.3) < 0.02  # the mean of 0.5 and 0.1
    assert np.array_equal(resample_audio(left, rate_in, rate_in), left)
    assert fit_audio_length(np.ones(3, np.float32), 5).tolist() == [1, 1, 1, 0, 0]


def test_synthetic_class_count_matches_the_handler():
    assert len(AUDIO_PITCHES) * 3 == SYNTHETIC_TONE_CLASSES
    assert len(audio_classes(SYNTHETIC_TONE_CLASSES)) == SYNTHETIC_TONE_CLASSES
    with pytest.raises(ValueError, match="between 2 and 18"):
        audio_classes(SYNTHETIC_TONE_CLASSES + 1)
    # fewer classes take a grid of notes x rhythms: 4 is 2 x 2
    assert audio_classes(4) == [
        ("A3", "steady"),
        ("A3", "slow pulses"),
        ("E4", "steady"),
        ("E4", "slow pulses"),
    ]


def test_tone_clips_are_deterministic_and_carry_their_note():
    clips = ToneClipsDataset(40, 8000, 4000, seed=3, num_classes=12)
    again = ToneClipsDataset(40, 8000, 4000, seed=3, num_classes=12)
    for i in range(40):
        wave, label = clips.render(i)
        assert np.array_equal(wave, again.render(i)[0])
        assert wave.shape == (4000,) and np.abs(wave).max() <= 1.0
        note, _ = clips.classes[label]
        # the note (detuned by at most 2%) is a strong partial, and nothing strong lies below
        spectrum = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
        freqs, f0 = np.fft.rfftfreq(len(wave), 1 / 8000), AUDIO_PITCHES[note]
        at_note = spectrum[(freqs > 0.97 * f0) & (freqs < 1.03 * f0)].max()
        below = spectrum[(freqs > 50) & (freqs < 0.75 * f0)].max()
        assert at_note > 0.2 * spectrum.max() and below < 0.15 * spectrum.max(), (i, note)
    labels = {clips.render(i)[1] for i in range(40)}
    assert len(labels) >= 8  # labels vary with the index


def test_synthetic_builders_give_audio_batches():
    cfg = {
        "kind": "audio",
        "sample_rate": 8000,
        "clip_samples": 4000,
        "num_classes": 6,
        "num_train": 16,
        "num_val": 8,
    }
    train, val, info = build_datasets("classification", cfg, "synthetic", seed=0)
    assert info["num_classes"] == 6 and info["clip_samples"] == 4000 and len(val) == 8
    item = train[0]
    assert item["waveform"].shape == (4000,) and item["waveform"].dtype == torch.float32
    gen_cfg = {
        "sample_rate": 8000,
        "prompt_samples": 1000,
        "seq_len": 64,
        "num_train": 16,
        "num_val": 4,
    }
    train, val, info = build_datasets("audio_generation", gen_cfg, "synthetic", seed=0)
    item = train[0]
    assert item["prompt"].shape == (1000,)
    assert item["input_ids"][0] == 256 and torch.equal(item["input_ids"][1:], item["targets"][:-1])
    assert 0 <= int(item["targets"].min()) and int(item["targets"].max()) < 256
    assert 0 < info["unigram_entropy_nats"] < np.log(256)


def write_tone_folder(root, rate: int = 8000) -> None:
    for name, freq in (("low", 220.0), ("high", 880.0)):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(5):
            write_wav(folder / f"{i}.wav", tone(freq * (1 + 0.01 * i), 0.3, rate), rate)


def test_audio_folder_classification(tmp_path):
    write_tone_folder(tmp_path / "clips")
    cfg = {"sample_rate": 16000, "clip_samples": 8000, "val_fraction": 0.2}
    train, val, info = audio_classification_datasets(cfg, str(tmp_path / "clips"), seed=0)
    assert info["class_names"] == ["high", "low"] and len(train) + len(val) == 10
    item = train[0]
    assert item["waveform"].shape == (8000,)  # 0.3 s resampled to 16 kHz, then zero-padded
    assert item["waveform"][4800:].abs().max() == 0
    with pytest.raises(FileNotFoundError, match="does not exist"):
        AudioFolderDataset(tmp_path / "missing", 8000, 4000)
    (tmp_path / "empty" / "cls").mkdir(parents=True)
    with pytest.raises(ValueError, match="has no .wav"):
        AudioFolderDataset(tmp_path / "empty", 8000, 4000)


def test_audio_file_generation_splits_in_time(tmp_path):
    path = tmp_path / "song.wav"
    write_wav(path, tone(330.0, 2.0, 8000), 8000)
    cfg = {"sample_rate": 8000, "prompt_samples": 400, "seq_len": 200, "val_fraction": 0.25}
    train, val, info = audio_generation_datasets(cfg, str(path), seed=0)
    assert len(train) == (12000 - 600) // 200 + 1 and len(val) == (4000 - 600) // 200 + 1
    assert info["source"] == str(path) and info["unigram_entropy_nats"] > 0
    with pytest.raises(ValueError, match="cannot fill one window"):
        audio_generation_datasets({**cfg, "prompt_samples": 3900}, str(path), seed=0)
