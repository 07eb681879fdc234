"""Video classification datasets: synthetic moving shapes, or a folder of clips."""

from torch.utils.data import Subset

from metagen.data.class_count import require_two_classes
from metagen.data.image_folder import find_split_folders, split_indices
from metagen.data.synthetic_video import MovingShapesDataset
from metagen.data.video_folder import VideoFolderDataset


def _video_shape(cfg: dict) -> tuple[int, list[int], int]:
    return int(cfg["num_frames"]), [int(n) for n in cfg["resolution"]], int(cfg["channels"])


def _video_folder_datasets(cfg: dict, source: str, seed: int):
    shape = _video_shape(cfg)
    folders = find_split_folders(source)
    if folders is not None:
        train = VideoFolderDataset(folders[0], *shape)
        val = VideoFolderDataset(folders[1], *shape, class_names=train.class_names)
        return train, val, train.class_names
    full = VideoFolderDataset(source, *shape)
    train_idx, val_idx = split_indices(
        len(full), float(cfg["val_fraction"]), seed, labels=full.labels
    )
    return Subset(full, train_idx), Subset(full, val_idx), full.class_names


def build_video_classification(cfg: dict, source: str, seed: int):
    """(train, val, info) for classifying clips of cfg's num_frames, resolution and channels."""
    num_frames, resolution, channels = _video_shape(cfg)
    if source == "synthetic":
        args = (num_frames, resolution, channels)
        # Separate seeds per split: no validation clip is a training clip.
        train = MovingShapesDataset(int(cfg["num_train"]), *args, 2 * seed, int(cfg["num_classes"]))
        val = MovingShapesDataset(int(cfg["num_val"]), *args, 2 * seed + 1, int(cfg["num_classes"]))
        class_names = train.class_names
    else:
        train, val, class_names = _video_folder_datasets(cfg, source, seed)
        require_two_classes(
            class_names,
            f"video folder {source}",
            "Add a folder of clips for every other class, root/<class_name>/<clip> "
            "(in root/train/ when the data is split).",
        )
    info = {
        "task": "classification",
        "kind": "video",
        "source": source,
        "num_classes": len(class_names),
        "class_names": list(class_names),
        "num_frames": num_frames,
        "resolution": resolution,
        "channels": channels,
        "num_train": len(train),
        "num_val": len(val),
    }
    return train, val, info
