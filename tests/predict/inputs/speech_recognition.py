"""Inputs for a speech recognizer's infer.py: words spoken as its built-in data speaks them
(espeak-ng, or the tones that stand in for it), at the run's sample rate and clip length, as
.wav files and one .flac."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile

from metagen.data.audio_io import fit_audio_length
from metagen.data.speech_synth import SpeechWordBank


def write_inputs(run: Path, folder: Path, count: int) -> int:
    """`count` audio files in `folder`, one word each; the number of predictions they should
    get."""
    data = json.loads((run / "code" / "config.json").read_text(encoding="utf-8"))
    cfg = data["scales"]["smoke"]["data"]
    rate, clip = cfg["sample_rate"], cfg["clip_samples"]
    bank = SpeechWordBank(rate, cfg.get("speech_synth", "auto"))
    rng = np.random.default_rng(0)
    for i in range(count):
        word = bank.words[i % len(bank.words)]
        samples = 0.5 * fit_audio_length(bank.render(word, 0, rng), clip)
        suffix = ".flac" if i == count - 1 else ".wav"
        soundfile.write(str(folder / f"{i}_{word}{suffix}"), samples, rate)
    return count
