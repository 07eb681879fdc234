"""Spoken words for the synthetic speech data: espeak-ng renderings of a small vocabulary in
several voices and speeds, cached as .wav files; or, where espeak-ng is missing, a clearly
labelled fallback of harmonic tones whose "words" are the names of their notes."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from metagen.data.audio_io import load_audio
from metagen.data.synthetic_audio import AUDIO_PITCHES, render_partials

# Digits and the commands of the Speech Commands set: short, distinct, easy to synthesize.
SPEECH_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "yes", "no", "up", "down", "left", "right", "stop", "go",
)  # fmt: skip
ESPEAK_VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb-scotland+m3")
ESPEAK_SPEEDS = (140, 175, 210)  # words per minute
TONE_TIMBRES = 4  # partial mixes, the fallback's "voices"
SPEECH_SYNTH_CHOICES = ("auto", "espeak", "tones")


def tone_words() -> dict[str, float]:
    """The fallback's words: note names, one harmonic tone each (a fifth apart, A3 to G#6)."""
    return {name.lower(): freq for name, freq in AUDIO_PITCHES.items()}


def speech_cache_dir() -> Path:
    """Where espeak-ng renderings are kept: $METAGEN_CACHE_DIR, else ~/.cache/metagen."""
    root = os.environ.get("METAGEN_CACHE_DIR") or Path.home() / ".cache" / "metagen"
    return Path(root) / "espeak-ng"


def trim_silence(samples: np.ndarray, threshold: float = 0.02) -> np.ndarray:
    """The span from the first to the last sample above threshold * peak."""
    loud = np.flatnonzero(np.abs(samples) > threshold * max(float(np.abs(samples).max()), 1e-9))
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples


def espeak_word(espeak: str, word: str, voice: str, speed: int, cache: Path) -> Path:
    """The .wav of `word` spoken by espeak-ng, rendered once and then read from `cache`."""
    path = cache / f"{voice.replace('+', '_')}-{speed}-{word}.wav"
    if path.is_file():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(suffix=".wav", dir=cache)
    os.close(handle)
    command = [espeak, "-v", voice, "-s", str(speed), "-w", tmp, word]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(
                f"espeak-ng failed on {word!r} with voice {voice} ({result.stderr.strip()}); "
                "reinstall espeak-ng or set the data's speech_synth to 'tones'."
            )
        os.replace(tmp, path)  # atomic: a concurrent run never reads half a file
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


class SpeechWordBank:
    """Renderings of each word of a vocabulary at one sample rate. `render(word, voice, rng)`
    gives float32 samples in [-1, 1]: a cached espeak-ng voice, or a fallback tone."""

    def __init__(self, sample_rate: int, synth: str = "auto") -> None:
        if synth not in SPEECH_SYNTH_CHOICES:
            raise ValueError(f"speech_synth must be one of {SPEECH_SYNTH_CHOICES}, got {synth!r}")
        self.sample_rate = sample_rate
        espeak = shutil.which("espeak-ng") if synth != "tones" else None
        if synth == "espeak" and espeak is None:
            raise FileNotFoundError(
                "speech_synth 'espeak' needs espeak-ng on PATH (apt-get install espeak-ng); "
                "set it to 'auto' to fall back to tone sequences."
            )
        self.espeak = espeak
        self.words = SPEECH_WORDS if espeak else tuple(tone_words())
        self.num_voices = len(ESPEAK_VOICES) * len(ESPEAK_SPEEDS) if espeak else TONE_TIMBRES
        self.recordings: dict[str, list[np.ndarray]] = {}
        if espeak:
            cache = speech_cache_dir()
            for word in self.words:
                self.recordings[word] = [
                    trim_silence(load_audio(espeak_word(espeak, word, v, s, cache), sample_rate))
                    for v in ESPEAK_VOICES
                    for s in ESPEAK_SPEEDS
                ]

    def split_voices(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(training voices, held-out voices): the last espeak-ng voice at every speed, or
        the fallback's last timbre, is kept for validation."""
        per_voice = len(ESPEAK_SPEEDS) if self.espeak else 1
        cut = self.num_voices - per_voice
        return tuple(range(cut)), tuple(range(cut, self.num_voices))

    @property
    def source(self) -> str:
        """What the synthetic clips are, for data_info.json and the plan."""
        if self.espeak:
            return (
                f"espeak-ng ({self.espeak}): {len(self.words)} spoken words, "
                f"{len(ESPEAK_VOICES)} voices x {len(ESPEAK_SPEEDS)} speeds"
            )
        return (
            "FALLBACK, not speech: espeak-ng was not used, so each 'word' is a harmonic tone "
            f"and the transcript names its note ({', '.join(self.words)})"
        )

    def longest_word_seconds(self) -> float:
        if not self.espeak:
            return 0.4
        longest = max(len(r) for renderings in self.recordings.values() for r in renderings)
        return longest / self.sample_rate

    def render(self, word: str, voice: int, rng: np.random.Generator) -> np.ndarray:
        if self.espeak:
            samples = self.recordings[word][voice]
        else:
            n = int(rng.uniform(0.25, 0.4) * self.sample_rate)
            tone_rng = np.random.default_rng([voice, len(word)])  # the timbre of this voice
            freq = tone_words()[word] * rng.uniform(0.98, 1.02)
            samples = render_partials(freq, n, self.sample_rate, tone_rng)
            fade = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.01 * n))
            samples = samples * fade
        return (samples / max(float(np.abs(samples).max()), 1e-6)).astype(np.float32)
