"""Speech recognition data: clips of spoken words with their transcripts as byte tokens, for
the encoder-decoder (teacher forcing) and for CTC; synthetic or from a user folder."""

import numpy as np
from torch.utils.data import Dataset, Subset

from metagen.data.image_folder import split_indices
from metagen.data.speech_folder import SpeechFolderDataset, speech_split_folders
from metagen.data.speech_items import speech_item, speech_positions
from metagen.data.speech_synth import SpeechWordBank
from metagen.data.tokenizer import ByteTokenizer

SPEED_PERTURBATION = (0.9, 1.1)  # Ko et al. 2015: every clip's words at a new tempo and pitch


def _stretch(samples: np.ndarray, factor: float) -> np.ndarray:
    """`samples` played `factor` times faster (linear interpolation)."""
    n = max(2, round(len(samples) / factor))
    return np.interp(np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples)


class SyntheticSpeechDataset(Dataset):
    """`size` clips of 1..max_words words from the bank, one voice per clip, each word speed
    perturbed, with pauses, gain and noise; item i depends on (seed, i) alone. Words that do
    not fit in clip_samples are dropped from the end, so the transcript is what was said."""

    def __init__(
        self,
        size: int,
        bank: SpeechWordBank,
        clip_samples: int,
        max_words: int,
        text_len: int,
        seed: int = 0,
        ctc: bool = False,
        voices: tuple[int, ...] | None = None,
    ):
        rate = bank.sample_rate
        longest = bank.longest_word_seconds() / SPEED_PERTURBATION[0] + 0.1
        if clip_samples < longest * rate:
            raise ValueError(
                f"clips of {clip_samples / rate:.2f} s cannot hold the longest synthetic word "
                f"({longest:.2f} s with pauses); raise modality.audio.clip_seconds."
            )
        longest_word = max(len(w) for w in bank.words) + (0 if ctc else 1)  # + eos
        if text_len < longest_word:
            raise ValueError(f"text_len ({text_len}) cannot hold the longest word ({longest_word})")
        self.size, self.bank, self.clip_samples = size, bank, clip_samples
        self.max_words, self.text_len, self.seed, self.ctc = max_words, text_len, seed, ctc
        self.voices = tuple(range(bank.num_voices)) if voices is None else tuple(voices)

    def __len__(self) -> int:
        return self.size

    def render(self, index: int) -> tuple[np.ndarray, str]:
        """Item `index` as float32 samples in [-1, 1] and its transcript."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} clips")
        rng = np.random.default_rng([self.seed, index])
        bank, rate = self.bank, self.bank.sample_rate
        words = [
            str(w) for w in rng.choice(bank.words, size=int(rng.integers(1, self.max_words + 1)))
        ]
        voice = self.voices[int(rng.integers(len(self.voices)))]
        clip = np.zeros(self.clip_samples)
        start = int(rng.uniform(0.02, 0.15) * rate)
        spoken: list[str] = []
        for word in words:
            speech = _stretch(bank.render(word, voice, rng), rng.uniform(*SPEED_PERTURBATION))
            tokens = len(" ".join(spoken + [word])) + (0 if self.ctc else 1)  # + eos
            if spoken and (start + len(speech) > self.clip_samples or tokens > self.text_len):
                break  # the first word always fits: __init__ checked the clip and text_len
            clip[start : start + len(speech)] = rng.uniform(0.5, 1.0) * speech
            spoken.append(word)
            start += len(speech) + int(rng.uniform(0.05, 0.2) * rate)
        # Noise from none to audible (std 1e-5 to 1e-2): clean recordings have digital silence.
        noise = rng.normal(0.0, 10.0 ** rng.uniform(-5.0, -2.0), len(clip))
        clip = rng.uniform(0.2, 0.8) * clip + noise
        return np.clip(clip, -1.0, 1.0).astype(np.float32), " ".join(spoken)

    def __getitem__(self, index: int) -> dict:
        clip, text = self.render(index)
        return speech_item(clip, text, self.text_len, self.ctc)


def _synthetic_text_len(cfg: dict, bank: SpeechWordBank, ctc: bool) -> int:
    """Tokens of the longest transcript the synthetic set can say (plus eos), within the
    decoder's seq_len (encoder-decoder) or the encoder's positions (CTC)."""
    longest = int(cfg["max_words"]) * (max(len(w) for w in bank.words) + 1) - 1
    if ctc:
        limit = speech_positions(int(cfg["clip_samples"]), int(cfg["hop_length"])) // 2
        return min(longest, limit)
    return min(longest + 1, int(cfg["seq_len"]))


def _user_speech_datasets(cfg: dict, source: str, seed: int, ctc: bool):
    rate, clip = int(cfg["sample_rate"]), int(cfg["clip_samples"])
    if ctc:
        limits = {"max_positions": speech_positions(clip, int(cfg["hop_length"]))}
    else:
        limits = {"max_tokens": int(cfg["seq_len"])}
    folders = speech_split_folders(source)
    if folders is not None:
        train = SpeechFolderDataset(folders[0], rate, clip, ctc=ctc, **limits)
        val = SpeechFolderDataset(folders[1], rate, clip, ctc=ctc, **limits)
        return train, val
    full = SpeechFolderDataset(source, rate, clip, ctc=ctc, **limits)
    train_idx, val_idx = split_indices(len(full), float(cfg["val_fraction"]), seed)
    return Subset(full, train_idx), Subset(full, val_idx)


def build_speech_datasets(cfg: dict, source: str, seed: int, ctc: bool = False):
    """(train, val, info) for speech recognition: synthetic spoken words or a user folder."""
    rate, clip = int(cfg["sample_rate"]), int(cfg["clip_samples"])
    if source == "synthetic":
        bank = SpeechWordBank(rate, str(cfg.get("speech_synth") or "auto"))
        text_len = _synthetic_text_len(cfg, bank, ctc)
        args = (bank, clip, int(cfg["max_words"]), text_len)
        # Separate seeds per split, and a voice that training never hears: validation clips
        # are new word sequences spoken by an unseen speaker, not re-cut training audio.
        heard, unheard = bank.split_voices()
        train = SyntheticSpeechDataset(
            int(cfg["num_train"]), *args, seed=2 * seed, ctc=ctc, voices=heard
        )
        val = SyntheticSpeechDataset(
            int(cfg["num_val"]), *args, seed=2 * seed + 1, ctc=ctc, voices=unheard
        )
        speech_source = f"{bank.source}; held-out clips are spoken by a voice training never hears"
    else:
        train, val = _user_speech_datasets(cfg, source, seed, ctc)
        speech_source = f"user files ({source})"
    info = {
        "task": "speech_recognition_ctc" if ctc else "speech_recognition",
        "kind": "audio",
        "source": source,
        "speech_source": speech_source,
        "tokenizer": ByteTokenizer.name,
        "sample_rate": rate,
        "clip_samples": clip,
        "num_train": len(train),
        "num_val": len(val),
    }
    return train, val, info


def build_ctc_speech_datasets(cfg: dict, source: str, seed: int):
    return build_speech_datasets(cfg, source, seed, ctc=True)
