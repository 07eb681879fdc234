"""Speech recognition data: espeak-ng words (cached), the labelled tone fallback, the token
layout of an example, and user folders of clips with transcripts, with located errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from metagen.data import speech_synth
from metagen.data.audio_io import write_wav
from metagen.data.speech_data import SyntheticSpeechDataset
from metagen.data.speech_folder import SpeechFolderDataset
from metagen.data.speech_items import (
    SPEECH_IGNORE_INDEX,
    ctc_min_positions,
    speech_item,
    speech_positions,
)
from metagen.data.speech_synth import SPEECH_WORDS, SpeechWordBank, espeak_word, tone_words
from metagen.nn.speech_frontend import speech_tokens
from metagen.tasks.runtime import build_datasets

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
RATE, CLIP = 8000, 12000
CFG = {
    "sample_rate": RATE,
    "clip_samples": CLIP,
    "hop_length": 160,
    "seq_len": 16,
    "max_words": 2,
    "num_train": 64,
    "num_val": 16,
    "val_fraction": 0.25,
}


@pytest.fixture(scope="module")
def bank():
    if ESPEAK is None:
        pytest.skip("espeak-ng is not installed")
    return SpeechWordBank(RATE)  # renders once into the cache, then reads it


@needs_espeak
def test_espeak_bank_has_every_word_in_every_voice(bank):
    assert bank.words == SPEECH_WORDS and bank.num_voices == 12
    assert "espeak-ng" in bank.source and "FALLBACK" not in bank.source
    for renderings in bank.recordings.values():
        assert len(renderings) == 12
        for samples in renderings:
            assert 0.15 * RATE < len(samples) < 0.8 * RATE  # silence trimmed: a word
            assert np.abs(samples).max() > 0.05


@needs_espeak
def test_espeak_renders_once_then_reads_the_cache(tmp_path, monkeypatch):
    path = espeak_word(ESPEAK, "seven", "en-us", 175, tmp_path)
    assert path.parent == tmp_path and path.stat().st_size > 1000

    def no_espeak(*args, **kwargs):
        raise AssertionError("espeak-ng ran although the word was cached")

    monkeypatch.setattr(speech_synth.subprocess, "run", no_espeak)
    assert espeak_word(ESPEAK, "seven", "en-us", 175, tmp_path) == path


@needs_espeak
def test_synthetic_clips_are_deterministic_and_say_their_transcript(bank):
    data = SyntheticSpeechDataset(50, bank, CLIP, max_words=2, text_len=12, seed=3)
    clip, text = data.render(7)
    again, same = SyntheticSpeechDataset(50, bank, CLIP, 2, 12, seed=3).render(7)
    assert np.array_equal(clip, again) and text == same
    assert clip.shape == (CLIP,) and np.abs(clip).max() <= 1.0
    texts = [data.render(i)[1] for i in range(50)]
    assert all(1 <= len(t.split()) <= 2 and set(t.split()) <= set(SPEECH_WORDS) for t in texts)
    assert len(set(texts)) > 25  # many different transcripts
    other = SyntheticSpeechDataset(50, bank, CLIP, 2, 12, seed=4)
    assert not np.array_equal(other.render(7)[0], clip)  # another seed, another clip


def test_an_encoder_decoder_example_is_shifted_by_one_token():
    item = speech_item(np.zeros(100, dtype=np.float32), "go up", text_len=8, ctc=False)
    ids = list(b"go up")
    assert item["input_ids"].tolist() == [256, *ids, 258, 258]
    assert item["targets"].tolist() == [*ids, 257, SPEECH_IGNORE_INDEX, SPEECH_IGNORE_INDEX]
    ctc = speech_item(np.zeros(100, dtype=np.float32), "go up", text_len=7, ctc=True)
    assert set(ctc) == {"waveform", "targets"}
    assert ctc["targets"].tolist() == [*ids, SPEECH_IGNORE_INDEX, SPEECH_IGNORE_INDEX]
    with pytest.raises(ValueError, match="needs 6 tokens, over 5"):
        speech_item(np.zeros(100, dtype=np.float32), "go up", text_len=5, ctc=False)


def test_ctc_positions_follow_the_encoder():
    for clip, hop in ((12000, 160), (24000, 160), (1531, 100), (480_000, 160)):
        assert speech_positions(clip, hop) == speech_tokens(clip, hop)
    assert ctc_min_positions(list(b"three")) == 6  # "ee" needs a blank between
    assert ctc_min_positions(list(b"seven")) == 5


def test_tone_fallback_is_labelled_and_names_its_notes(monkeypatch):
    monkeypatch.setattr(speech_synth.shutil, "which", lambda name: None)
    train, val, info = build_datasets("speech_recognition", CFG, "synthetic", seed=0)
    assert info["speech_source"].startswith("FALLBACK, not speech")
    assert "espeak-ng was not used" in info["speech_source"]
    texts = [train.render(i)[1] for i in range(20)]
    assert all(set(t.split()) <= set(tone_words()) for t in texts)
    item = val[0]
    assert item["waveform"].shape == (CLIP,) and item["input_ids"][0] == 256
    with pytest.raises(FileNotFoundError, match="needs espeak-ng on PATH"):
        SpeechWordBank(RATE, "espeak")


@needs_espeak
def test_builder_reports_espeak_as_the_source_and_splits_by_seed(bank):
    train, val, info = build_datasets("speech_recognition_ctc", CFG, "synthetic", seed=1)
    assert info["speech_source"].startswith("espeak-ng")
    assert (info["num_train"], info["num_val"]) == (64, 16)
    assert train.seed != val.seed and "input_ids" not in train[0]
    # validation is spoken by a voice training never hears: the last voice, at every speed
    assert set(train.voices).isdisjoint(val.voices)
    assert set(train.voices) | set(val.voices) == set(range(bank.num_voices))
    assert len(val.voices) == len(speech_synth.ESPEAK_SPEEDS)


def test_tone_fallback_holds_out_its_last_timbre(monkeypatch):
    monkeypatch.setattr(speech_synth.shutil, "which", lambda name: None)
    train, val, _ = build_datasets("speech_recognition", CFG, "synthetic", seed=0)
    assert train.voices == (0, 1, 2) and val.voices == (3,)


# --- user folders ----------------------------------------------------------------------------


def tone(seconds: float, rate: int = 16000) -> np.ndarray:
    return 0.3 * np.sin(2 * np.pi * 440 * np.arange(round(seconds * rate)) / rate)


def write_clips(folder, names, seconds=1.0):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        write_wav(folder / name, tone(seconds), 16000)


def test_tsv_jsonl_and_sidecar_transcripts_load(tmp_path):
    write_clips(tmp_path / "tsv" / "clips", ["a.wav", "b.wav"])
    (tmp_path / "tsv" / "transcripts.tsv").write_text(
        "clips/a.wav\tyes  please\n\nclips/b.wav\tno\n"
    )
    write_clips(tmp_path / "jsonl", ["a.wav"])
    (tmp_path / "jsonl" / "transcripts.jsonl").write_text(
        json.dumps({"audio": "a.wav", "text": "go"})
    )
    write_clips(tmp_path / "txt" / "sub", ["c.wav"])
    (tmp_path / "txt" / "sub" / "c.txt").write_text("stop\n")
    for name, texts in (("tsv", ["yes please", "no"]), ("jsonl", ["go"]), ("txt", ["stop"])):
        data = SpeechFolderDataset(tmp_path / name, RATE, CLIP, ctc=False, max_tokens=16)
        assert data.transcripts == texts
    data = SpeechFolderDataset(tmp_path / "tsv", RATE, CLIP, ctc=False, max_tokens=16)
    item = data[0]  # 16 kHz resampled to 8 kHz, zero-padded to the clip
    assert item["waveform"].shape == (CLIP,) and float(item["waveform"][9000:].abs().max()) == 0
    assert item["targets"].tolist()[:11] == [*b"yes please", 257]


def test_train_and_val_folders_are_the_splits(tmp_path):
    for split, names in (("train", ["a.wav", "b.wav", "c.wav"]), ("val", ["d.wav"])):
        write_clips(tmp_path / split, names)
        for name in names:
            (tmp_path / split / name).with_suffix(".txt").write_text(name[0])
    train, val, info = build_datasets("speech_recognition", CFG, str(tmp_path), seed=0)
    assert (len(train), len(val)) == (3, 1) and info["speech_source"].startswith("user files")
    assert val.transcripts == ["d"]
    single = tmp_path / "train"  # one folder: split by val_fraction
    train, val, _ = build_datasets("speech_recognition_ctc", CFG, str(single), seed=0)
    assert len(train) + len(val) == 3 and len(val) >= 1
    assert train.dataset.transcripts == ["a", "b", "c"]
    first = train.dataset.transcripts[train.indices[0]]
    assert train[0]["targets"].tolist() == [ord(first)]  # CTC: the transcript alone


def malformed(tmp_path, case: str):
    """A speech folder with one thing wrong; returns (folder, task, expected words)."""
    root = tmp_path / case
    write_clips(root, ["a.wav", "b.wav"])
    tsv = root / "transcripts.tsv"
    if case == "no_tab":
        tsv.write_text("a.wav\tyes\nb.wav yes\n")
        return root, "speech_recognition", [f"{tsv} line 2", "expected 'audio path<TAB>transcript'"]
    if case == "missing_file":
        tsv.write_text("a.wav\tyes\nc.wav\tno\n")
        return root, "speech_recognition", [f"{tsv} line 2", "c.wav not found"]
    if case == "empty_transcript":
        tsv.write_text("a.wav\t  \n")
        return root, "speech_recognition", [f"{tsv} line 1", "transcript of a.wav is empty"]
    if case == "not_audio":
        tsv.write_text("a.mp3\tyes\n")
        return root, "speech_recognition", [f"{tsv} line 1", "a.mp3 is not a .wav/.flac/.ogg"]
    if case == "bad_json":
        (root / "transcripts.jsonl").write_text('{"audio": "a.wav", "text": "yes"}\n{"audio": \n')
        return root, "speech_recognition", ["transcripts.jsonl line 2", "not valid JSON"]
    if case == "json_keys":
        (root / "transcripts.jsonl").write_text('{"file": "a.wav", "text": "yes"}\n')
        return root, "speech_recognition", ["transcripts.jsonl line 1", '"audio": "path.wav"']
    if case == "both_listings":
        tsv.write_text("a.wav\tyes\n")
        (root / "transcripts.jsonl").write_text('{"audio": "a.wav", "text": "yes"}\n')
        return root, "speech_recognition", ["both transcripts.tsv and transcripts.jsonl"]
    if case == "no_sidecar":
        (root / "a.txt").write_text("yes")
        return root, "speech_recognition", [f"{root / 'b.wav'} has no transcript", "add b.txt"]
    if case == "too_long_clip":
        write_clips(root, ["a.wav"], seconds=3.0)
        tsv.write_text("a.wav\tyes\n")
        return root, "speech_recognition", [f"{tsv} line 1", "lasts 3.00 s", "at most 1.50 s"]
    if case == "too_long_text":
        tsv.write_text("a.wav\tyes\nb.wav\t" + "seven " * 5 + "\n")
        return root, "speech_recognition", [f"{tsv} line 2", "29 byte tokens", "holds 15"]
    if case == "too_long_for_ctc":
        tsv.write_text("a.wav\t" + "seven " * 8 + "\n")
        return (
            root,
            "speech_recognition_ctc",
            [f"{tsv} line 1", "needs 47 CTC positions", "encoder has 38"],
        )
    if case == "corrupt":
        (root / "a.wav").write_bytes(b"RIFF0000WAVEjunk")
        tsv.write_text("a.wav\tyes\n")
        return root, "speech_recognition", ["cannot read audio", "a.wav"]
    if case == "latin1_transcript":
        (root / "a.txt").write_bytes("caf\xe9".encode("latin-1"))
        (root / "b.txt").write_text("no")
        return root, "speech_recognition", [f"{root / 'a.txt'} is not valid UTF-8"]
    if case == "empty_folder":
        for path in root.iterdir():
            path.unlink()
        return root, "speech_recognition", ["holds no clips with transcripts"]
    raise AssertionError(case)


CASES = [
    "no_tab",
    "missing_file",
    "empty_transcript",
    "not_audio",
    "bad_json",
    "json_keys",
    "both_listings",
    "no_sidecar",
    "too_long_clip",
    "too_long_text",
    "too_long_for_ctc",
    "corrupt",
    "latin1_transcript",
    "empty_folder",
]


@pytest.mark.parametrize("case", CASES)
def test_malformed_speech_folders_get_located_errors(tmp_path, case):
    root, task, words = malformed(tmp_path, case)
    with pytest.raises(ValueError) as error:
        build_datasets(task, CFG, str(root), seed=0)
    message = str(error.value)
    for word in words:
        assert word in message, message
    assert "\n" not in message and "Traceback" not in message


def test_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build_datasets("speech_recognition", CFG, str(tmp_path / "nowhere"), seed=0)
