"""Datasets for diffusion training: clean images (with captions when the model reads text),
noised deterministically into (noisy, timesteps, targets = noise) samples."""

from pathlib import Path

import torch
from torch.utils.data import Dataset, Subset

from metagen.data.image_captions import image_caption_pairs
from metagen.data.image_folder import ImageFolderDataset, find_split_folders, split_indices
from metagen.tasks.diffusion.data_captions import noised_caption_datasets


class FolderCaptions(Dataset):
    """An image folder as image-caption pairs: each image's class folder name is its caption."""

    def __init__(self, images, class_names: list[str]):
        self.images, self.class_names = images, list(class_names)

    def __len__(self) -> int:
        return len(self.images)

    def caption(self, index: int) -> str:
        return self.class_names[int(self.images[index]["labels"])]

    def pair(self, index: int) -> tuple[torch.Tensor, str]:
        item = self.images[index]
        return item["images"], self.class_names[int(item["labels"])]


def _is_caption_source(source: str) -> bool:
    path = Path(source)
    return path.suffix == ".jsonl" or (path.is_dir() and (path / "train.jsonl").is_file())


def _folder_pairs(cfg: dict, source: str, seed: int):
    size, channels = int(cfg["image_size"]), int(cfg["channels"])
    folders = find_split_folders(source)
    if folders is not None:
        train = ImageFolderDataset(folders[0], size, channels)
        val = ImageFolderDataset(folders[1], size, channels, train.class_names)
        return FolderCaptions(train, train.class_names), FolderCaptions(val, train.class_names)
    full = ImageFolderDataset(source, size, channels)
    train_idx, val_idx = split_indices(len(full), float(cfg["val_fraction"]), seed, full.labels)
    names = full.class_names
    return FolderCaptions(Subset(full, train_idx), names), FolderCaptions(
        Subset(full, val_idx), names
    )


def clean_image_pairs(cfg: dict, source: str, seed: int):
    """(train, held-out) image-caption pairs: synthetic shapes with their captions, a JSONL
    file (or a folder with train.jsonl), or an image folder whose class names are captions."""
    if source == "synthetic" or _is_caption_source(source):
        return image_caption_pairs(cfg, source, seed)
    return _folder_pairs(cfg, source, seed)


def image_diffusion_datasets(cfg: dict, source: str, seed: int):
    pairs = clean_image_pairs(cfg, source, seed)
    sizes = {"image_size": int(cfg["image_size"]), "channels": int(cfg["channels"])}
    return noised_caption_datasets(cfg, source, seed, pairs, "image", sizes)
