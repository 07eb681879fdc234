"""Audio classification data: user folders (`root/<class_name>/*.wav`) or synthetic tone
clips."""

from pathlib import Path

import torch
from torch.utils.data import Dataset, Subset

from metagen.data.audio_io import (
    AUDIO_SUFFIXES,
    _audio_files,
    audio_header,
    fit_audio_length,
    load_audio,
)
from metagen.data.class_count import require_two_classes
from metagen.data.image_folder import find_split_folders, split_indices
from metagen.data.synthetic_audio import ToneClipsDataset


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
            for path in files:
                audio_header(path)  # a damaged file fails now, not mid-training
                self.samples.append((path, self.class_names.index(folder.name)))
        self.labels = [label for _, label in self.samples]

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
    if source != "synthetic":
        require_two_classes(
            class_names,
            f"audio folder {source}",
            "Add a folder of clips for every other class, root/<class_name>/<clip>.wav "
            "(in root/train/ when the data is split).",
        )
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
