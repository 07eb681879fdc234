"""Datasets for diffusion training: clean images (with captions when the model reads text),
noised deterministically into (noisy, timesteps, targets = noise) samples."""

import math
from pathlib import Path

import torch
from torch.utils.data import Dataset, Subset

from metagen.data.diffusion import NoisedSamples, NoiseSchedule
from metagen.data.image_captions import CaptionedImages, image_caption_pairs
from metagen.data.image_folder import ImageFolderDataset, find_split_folders, split_indices
from metagen.data.video_diffusion_data import build_video_diffusion


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


def _image_diffusion_datasets(cfg: dict, source: str, seed: int):
    train_pairs, val_pairs = clean_image_pairs(cfg, source, seed)
    length, conditioned = int(cfg["caption_length"]), bool(cfg["text_conditioning"])
    keys = ("caption_ids",) if conditioned else ()
    schedule = NoiseSchedule(int(cfg["num_timesteps"]), str(cfg["beta_schedule"]))
    draws = max(1, math.ceil(int(cfg["noised_samples"]) / len(train_pairs)))
    clean_train = CaptionedImages(train_pairs, length, with_targets=False, text_key="caption_ids")
    clean_val = CaptionedImages(val_pairs, length, with_targets=False, text_key="caption_ids")
    # Separate seeds per split; the held-out set is noised once, the same way every time.
    train = NoisedSamples(clean_train, schedule, 2 * seed, draws=draws, extra_keys=keys)
    val = NoisedSamples(clean_val, schedule, 2 * seed + 1, extra_keys=keys)
    info = {
        "task": "diffusion",
        "source": source,
        "kind": "image",
        "image_size": int(cfg["image_size"]),
        "channels": int(cfg["channels"]),
        "num_timesteps": schedule.num_timesteps,
        "beta_schedule": schedule.kind,
        "text_conditioning": conditioned,
        "caption_length": length,
        "num_train_images": len(train_pairs),
        "noise_draws_per_image": draws,
        "num_train": len(train),
        "num_val": len(val),
        "val_caption_examples": [val_pairs.caption(i) for i in range(min(3, len(val_pairs)))],
    }
    return train, val, info


# Diffusion data by sample kind (data_cfg["kind"], set by the modality handler).
DIFFUSION_DATA = {
    "image": _image_diffusion_datasets,
    "video": build_video_diffusion,
}


def build_diffusion_datasets(cfg: dict, source: str, seed: int):
    kind = cfg.get("kind", "image")
    if kind not in DIFFUSION_DATA:
        raise ValueError(f"no diffusion data for {kind!r}; known: {sorted(DIFFUSION_DATA)}")
    return DIFFUSION_DATA[kind](cfg, source, seed)
