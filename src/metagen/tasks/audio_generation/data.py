"""Audio generation data: one recording (or a folder of them, joined) cut into prompt and
continuation windows, or synthetic music."""

from pathlib import Path

import numpy as np
from torch.utils.data import Dataset

from metagen.data.audio_io import AUDIO_SUFFIXES, MU_LAW_LEVELS, _audio_files, load_audio
from metagen.data.synthetic_audio import SyntheticMusicDataset, continuation_item
from metagen.data.synthetic_text import unigram_entropy_nats


def read_audio_source(source, sample_rate: int) -> np.ndarray:
    """One audio file, or every audio file under a folder (sorted, recursive), resampled to
    `sample_rate` and joined end to end."""
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"audio source {path} does not exist; pass a file or a folder.")
    files = _audio_files(path, recursive=True) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"folder {path} holds no {'/'.join(AUDIO_SUFFIXES)} files.")
    return np.concatenate([load_audio(f, sample_rate) for f in files])


class AudioWindows(Dataset):
    """Windows of prompt_samples + seq_len samples of one long recording, every `stride`."""

    def __init__(
        self,
        samples: np.ndarray,
        prompt_samples: int,
        seq_len: int,
        stride: int,
        levels: int = MU_LAW_LEVELS,
    ):
        self.samples, self.prompt_samples, self.levels = samples, prompt_samples, levels
        self.window, self.stride = prompt_samples + seq_len, stride
        if len(samples) < self.window:
            raise ValueError(
                f"{len(samples)} samples cannot fill one window of {self.window} "
                f"({prompt_samples} prompt + {seq_len} continuation); add audio."
            )

    def __len__(self) -> int:
        return (len(self.samples) - self.window) // self.stride + 1

    def __getitem__(self, index: int) -> dict:
        start = index * self.stride
        clip = self.samples[start : start + self.window]
        return continuation_item(clip, self.prompt_samples, self.levels)


def audio_generation_datasets(cfg: dict, source: str, seed: int):
    rate, prompt, seq_len = int(cfg["sample_rate"]), int(cfg["prompt_samples"]), int(cfg["seq_len"])
    train: Dataset
    val: Dataset
    if source == "synthetic":
        train = SyntheticMusicDataset(int(cfg["num_train"]), rate, prompt, seq_len, 2 * seed)
        val = SyntheticMusicDataset(int(cfg["num_val"]), rate, prompt, seq_len, 2 * seed + 1)
    else:
        # The recording splits in time: the last val_fraction of it is held out.
        samples = read_audio_source(source, rate)
        cut = int(len(samples) * (1.0 - float(cfg["val_fraction"])))
        train = AudioWindows(samples[:cut], prompt, seq_len, stride=seq_len)
        val = AudioWindows(samples[cut:], prompt, seq_len, stride=seq_len)
    val_tokens = np.concatenate([val[i]["targets"].numpy() for i in range(len(val))])
    info = {
        "task": "audio_generation",
        "kind": "audio",
        "source": source,
        "sample_rate": rate,
        "prompt_samples": prompt,
        "seq_len": seq_len,
        "n_levels": MU_LAW_LEVELS,
        "num_train": len(train),
        "num_val": len(val),
        "unigram_entropy_nats": unigram_entropy_nats(val_tokens),
    }
    return train, val, info
