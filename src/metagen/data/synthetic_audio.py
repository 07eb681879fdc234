"""Synthetic audio with a learnable signal: labelled tones (pitch x rhythm) for classifiers,
and sustained notes and chords whose continuation a decoder can predict."""

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.audio_io import MU_LAW_LEVELS, mu_law_encode

# Six notes a fifth apart (A3 .. G#6), far apart on the mel scale.
AUDIO_PITCHES = {"A3": 220.0, "E4": 330.0, "B4": 493.9, "F#5": 740.0, "C#6": 1108.7, "G#6": 1661.2}
# Rhythm -> pulses per second (0: one sustained tone).
AUDIO_RHYTHMS = {"steady": 0.0, "slow pulses": 3.0, "fast pulses": 8.0}
# A pentatonic scale (G3 .. E5) for the notes and chords of the generation data.
MUSIC_NOTES = (196.0, 220.0, 246.9, 293.7, 329.6, 392.0, 440.0, 493.9, 587.3, 659.3)


def audio_classes(num_classes: int) -> list[tuple[str, str]]:
    """The first `num_classes` (note, rhythm) pairs: 4 -> 2 notes x 2 rhythms, 12 -> 4 x 3."""
    pairs = [(p, r) for p in range(len(AUDIO_PITCHES)) for r in range(len(AUDIO_RHYTHMS))]
    if not 2 <= num_classes <= len(pairs):
        raise ValueError(
            f"num_classes ({num_classes}) must be between 2 and {len(pairs)} for synthetic tones"
        )
    pairs.sort(key=lambda pr: (max(pr), pr))
    notes, rhythms = list(AUDIO_PITCHES), list(AUDIO_RHYTHMS)
    return [(notes[p], rhythms[r]) for p, r in pairs[:num_classes]]


def render_partials(freq: float, n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A harmonic tone at `freq` with 1-4 partials of random, decaying strength, peak ~1."""
    t = np.arange(n) / sample_rate
    tone = np.zeros(n)
    for k in range(1, int(rng.integers(1, 5)) + 1):
        if k * freq >= 0.45 * sample_rate:  # keep every partial below Nyquist
            break
        tone += rng.uniform(0.3, 1.0) / k * np.sin(2 * np.pi * k * freq * t + rng.uniform(0, 6.3))
    return tone / max(np.abs(tone).max(), 1e-6)


def _pulse_envelope(n: int, sample_rate: int, rate: float, rng: np.random.Generator):
    if rate == 0.0:
        return np.ones(n)
    t = np.arange(n) / sample_rate
    phase = (t * rate + rng.uniform(0.0, 1.0)) % 1.0  # on for the first half of each period
    ramp = 0.005 * rate  # 5 ms fades, in periods
    return np.clip(np.minimum(phase, 0.5 - phase) / ramp, 0.0, 1.0)


class ToneClipsDataset(Dataset):
    """`size` clips; item i is drawn from (seed, i) alone. Its label is the note (the
    fundamental, detuned by up to 2%) and the rhythm (steady or pulsed at 3 or 8 Hz)."""

    def __init__(
        self, size: int, sample_rate: int, clip_samples: int, seed: int = 0, num_classes: int = 12
    ):
        if clip_samples < sample_rate // 4:
            raise ValueError(
                f"clip_samples ({clip_samples}) must be at least a quarter second "
                f"({sample_rate // 4} samples) for the rhythms to show"
            )
        if sample_rate < 4000:
            raise ValueError(f"sample_rate ({sample_rate}) must be at least 4000 for the notes")
        self.size, self.sample_rate, self.clip_samples = size, sample_rate, clip_samples
        self.seed = seed
        self.classes = audio_classes(num_classes)
        self.class_names = [f"{note} {rhythm}" for note, rhythm in self.classes]

    def __len__(self) -> int:
        return self.size

    def render(self, index: int) -> tuple[np.ndarray, int]:
        """Item `index` as float32 samples in [-1, 1] and its label."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} clips")
        rng = np.random.default_rng([self.seed, index])
        label = int(rng.integers(len(self.classes)))
        note, rhythm = self.classes[label]
        n, rate = self.clip_samples, self.sample_rate
        freq = AUDIO_PITCHES[note] * rng.uniform(0.98, 1.02)
        tone = render_partials(freq, n, rate, rng) * _pulse_envelope(
            n, rate, AUDIO_RHYTHMS[rhythm], rng
        )
        clip = rng.uniform(0.2, 0.6) * tone + rng.normal(0.0, rng.uniform(0.002, 0.02), size=n)
        return np.clip(clip, -1.0, 1.0).astype(np.float32), label

    def __getitem__(self, index: int) -> dict:
        clip, label = self.render(index)
        return {"waveform": torch.from_numpy(clip), "labels": torch.tensor(label, dtype=torch.long)}


def render_music(n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A sustained note or two-note chord from a pentatonic scale, with a slow tremolo."""
    t = np.arange(n) / sample_rate
    notes = rng.choice(len(MUSIC_NOTES), size=int(rng.integers(1, 3)), replace=False)
    music = sum(render_partials(MUSIC_NOTES[i], n, sample_rate, rng) for i in notes)
    tremolo = 1.0 + rng.uniform(0.0, 0.3) * np.sin(2 * np.pi * rng.uniform(0.5, 4.0) * t)
    music = music * tremolo / max(np.abs(music * tremolo).max(), 1e-6)
    return rng.uniform(0.3, 0.8) * music + rng.normal(0.0, 0.002, size=n)


def continuation_item(clip: np.ndarray, prompt_samples: int, levels: int) -> dict:
    """A clip split into the prompt waveform and the mu-law tokens that continue it: the
    decoder reads a start token and tokens[:-1], and predicts tokens."""
    tokens = torch.from_numpy(mu_law_encode(clip[prompt_samples:], levels))  # (T,)
    start = torch.tensor([levels], dtype=torch.long)
    return {
        "prompt": torch.from_numpy(np.ascontiguousarray(clip[:prompt_samples], dtype=np.float32)),
        "input_ids": torch.cat((start, tokens[:-1])),
        "targets": tokens,
    }


class SyntheticMusicDataset(Dataset):
    """`size` clips of prompt_samples + seq_len samples; item i is drawn from (seed, i)."""

    def __init__(
        self,
        size: int,
        sample_rate: int,
        prompt_samples: int,
        seq_len: int,
        seed: int = 0,
        levels: int = MU_LAW_LEVELS,
    ):
        if sample_rate < 4000:
            raise ValueError(f"sample_rate ({sample_rate}) must be at least 4000 for the notes")
        self.size, self.sample_rate = size, sample_rate
        self.prompt_samples, self.seq_len, self.seed, self.levels = (
            prompt_samples,
            seq_len,
            seed,
            levels,
        )

    def __len__(self) -> int:
        return self.size

    def render(self, index: int) -> np.ndarray:
        """Item `index` (prompt and continuation) as float32 samples in [-1, 1]."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} clips")
        rng = np.random.default_rng([self.seed, index])
        clip = render_music(self.prompt_samples + self.seq_len, self.sample_rate, rng)
        return np.clip(clip, -1.0, 1.0).astype(np.float32)

    def __getitem__(self, index: int) -> dict:
        return continuation_item(self.render(index), self.prompt_samples, self.levels)
