"""Audio datasets: user folders (`root/<class_name>/*.wav` for classifiers, any audio files for
generation) and the builders that pick them or the synthetic sets."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset, Subset

from metagen.data.audio_io import AUDIO_SUFFIXES, MU_LAW_LEVELS, fit_audio_length, load_audio
from metagen.data.image_folder import find_split_folders, split_indices
from metagen.data.synthetic_audio import SyntheticMusicDataset, ToneClipsDataset, continuation_item
from metagen.data.synthetic_text import unigram_entropy_nats


def _audio_files(folder: Path, recursive: bool = False) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in found if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


class AudioFolderDataset(Dataset):
    """One class per subfolder of `root`; each clip mono, resampled to `sample_rate`, and cut or
    zero-padded to `clip_samples`."""

    def __init__(self, root, sample_rate: int, clip_samples: int, class_names=None):
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(
                f"audio folder {root} does not exist; pass a folder laid out as "
                "root/<class_name>/<clip>.wav, or use --data synthetic."
            )
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if not folders:
            raise ValueError(
                f"audio folder {root} has no class subfolders; put each class's clips in its "
                "own folder, root/<class_name>/<clip>.wav."
            )
        self.class_names = list(class_names) if class_names else [p.name for p in folders]
        unknown = sorted({p.name for p in folders} - set(self.class_names))
        if unknown:
            raise ValueError(
                f"audio folder {root} has classes {unknown} that the training split lacks; "
                "add them to train/ or remove them."
            )
        self.sample_rate, self.clip_samples = sample_rate, clip_samples
        self.samples: list[tuple[Path, int]] = []
        for folder in folders:
            files = _audio_files(folder)
            if not files:
                raise ValueError(
                    f"class folder {folder} has no {'/'.join(AUDIO_SUFFIXES)} clips; add clips "
                    "or remove the folder."
                )
            self.samples += [(path, self.class_names.index(folder.name)) for path in files]
        self.labels = [label for _, label in self.samples]
        load_audio(self.samples[0][0], sample_rate)  # fail now, not mid-training

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict:
        path, label = self.samples[index]
        clip = fit_audio_length(load_audio(path, self.sample_rate), self.clip_samples)
        return {"waveform": torch.from_numpy(clip), "labels": torch.tensor(label)}


def audio_classification_datasets(cfg: dict, source: str, seed: int):
    rate, clip = int(cfg["sample_rate"]), int(cfg["clip_samples"])
    train: Dataset
    val: Dataset
    if source == "synthetic":
        num_classes = int(cfg["num_classes"])
        # Separate seeds per split: no validation clip is a training clip.
        train = ToneClipsDataset(int(cfg["num_train"]), rate, clip, 2 * seed, num_classes)
        val = ToneClipsDataset(int(cfg["num_val"]), rate, clip, 2 * seed + 1, num_classes)
        class_names = train.class_names
    elif (folders := find_split_folders(source)) is not None:
        train = AudioFolderDataset(folders[0], rate, clip)
        val = AudioFolderDataset(folders[1], rate, clip, train.class_names)
        class_names = train.class_names
    else:
        full = AudioFolderDataset(source, rate, clip)
        train_idx, val_idx = split_indices(
            len(full), float(cfg["val_fraction"]), seed, labels=full.labels
        )
        train, val, class_names = Subset(full, train_idx), Subset(full, val_idx), full.class_names
    info = {
        "task": "classification",
        "kind": "audio",
        "source": source,
        "num_classes": len(class_names),
        "class_names": list(class_names),
        "sample_rate": rate,
        "clip_samples": clip,
        "num_train": len(train),
        "num_val": len(val),
    }
    return train, val, info


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
