"""Datasets for video diffusion: clean clips with their captions (synthetic moving shapes, or a
folder of clips whose class folder names are the captions), noised deterministically into
(noisy, timesteps, targets = noise) samples by the shared diffusion machinery."""

import torch
from torch.utils.data import Dataset, Subset

from metagen.data.image_folder import find_split_folders, split_indices
from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_video import DIRECTIONS, MovingShapesDataset
from metagen.data.video_folder import VideoFolderDataset
from metagen.tasks.diffusion.data_captions import noised_caption_datasets


class ClipCaptions(Dataset):
    """Clip-caption pairs: synthetic clips with what they show ("a red circle moving left"),
    or folder clips captioned by their class folder's name."""

    def __init__(self, clips, caption_of):
        self.clips, self.caption_of = clips, caption_of

    def __len__(self) -> int:
        return len(self.clips)

    def caption(self, index: int) -> str:
        return self.caption_of(index)

    def pair(self, index: int) -> tuple[torch.Tensor, str]:
        """(clip (C, T, H, W) normalized, caption)."""
        if isinstance(self.clips, MovingShapesDataset):
            clip = normalize_pixels(torch.from_numpy(self.clips.draw(index)[0]))
        else:
            clip = self.clips[index]["videos"]
        return clip, self.caption_of(index)


def _synthetic_clip_pairs(cfg: dict, seed: int) -> tuple[ClipCaptions, ClipCaptions]:
    shape = (int(cfg["num_frames"]), [int(n) for n in cfg["resolution"]], int(cfg["channels"]))
    pairs = []
    for split, size in ((0, int(cfg["num_train"])), (1, int(cfg["num_val"]))):
        # Separate seeds per split: no held-out clip is a training clip.
        clips = MovingShapesDataset(size, *shape, 2 * seed + split, len(DIRECTIONS))
        pairs.append(ClipCaptions(clips, clips.caption_for))
    return pairs[0], pairs[1]


def _folder_clip_pairs(cfg: dict, source: str, seed: int) -> tuple[ClipCaptions, ClipCaptions]:
    shape = (int(cfg["num_frames"]), [int(n) for n in cfg["resolution"]], int(cfg["channels"]))
    folders = find_split_folders(source)
    if folders is not None:
        train = VideoFolderDataset(folders[0], *shape)
        val = VideoFolderDataset(folders[1], *shape, class_names=train.class_names)
        splits: tuple[tuple[Dataset, list[int]], ...] = ((train, train.labels), (val, val.labels))
        names = train.class_names
    else:
        full = VideoFolderDataset(source, *shape)
        train_idx, val_idx = split_indices(
            len(full), float(cfg["val_fraction"]), seed, labels=full.labels
        )
        splits = tuple(
            (Subset(full, idx), [full.labels[i] for i in idx]) for idx in (train_idx, val_idx)
        )
        names = full.class_names
    train_pairs, val_pairs = (
        ClipCaptions(clips, lambda i, ls=labels: names[ls[i]]) for clips, labels in splits
    )
    return train_pairs, val_pairs


def build_video_diffusion(cfg: dict, source: str, seed: int):
    """(train, val, info) of noised clips for epsilon prediction, with caption ids."""
    if source == "synthetic":
        pairs = _synthetic_clip_pairs(cfg, seed)
    else:
        pairs = _folder_clip_pairs(cfg, source, seed)
    sizes = {
        "num_frames": int(cfg["num_frames"]),
        "resolution": [int(n) for n in cfg["resolution"]],
        "channels": int(cfg["channels"]),
        "frame_rate": float(cfg.get("frame_rate") or 8),
    }
    return noised_caption_datasets(cfg, source, seed, pairs, "video", sizes)
