"""(train, val, info) for semantic and panoptic segmentation: synthetic scenes, or a folder of
images and masks (`data/segmentation_folder.py`)."""

from torch.utils.data import Subset

from metagen.data.image_folder import split_indices
from metagen.data.segmentation_folder import SegmentationFolder, find_segmentation_splits
from metagen.data.synthetic_scenes import SceneSegmentationDataset


def _segmentation_folders(cfg: dict, source: str, seed: int, panoptic: bool):
    args = (int(cfg["image_size"]), int(cfg["channels"]), int(cfg["num_classes"]), panoptic)
    splits = find_segmentation_splits(source)
    if splits is not None:
        train, val = SegmentationFolder(splits[0], *args), SegmentationFolder(splits[1], *args)
        things = sorted(set(train.thing_classes) | set(val.thing_classes))
        return train, val, things
    full = SegmentationFolder(source, *args)
    train_idx, val_idx = split_indices(len(full), float(cfg["val_fraction"]), seed)
    return Subset(full, train_idx), Subset(full, val_idx), full.thing_classes


def _segmentation_datasets(cfg: dict, source: str, seed: int, panoptic: bool):
    task = "panoptic_segmentation" if panoptic else "semantic_segmentation"
    size, channels = int(cfg["image_size"]), int(cfg["channels"])
    if source == "synthetic":
        classes = int(cfg.get("synthetic_classes") or cfg["num_classes"])
        # Separate seeds per split: no validation scene is a training scene.
        train = SceneSegmentationDataset(
            int(cfg["num_train"]), size, channels, 2 * seed, classes, panoptic
        )
        val = SceneSegmentationDataset(
            int(cfg["num_val"]), size, channels, 2 * seed + 1, classes, panoptic
        )
        names, things = train.class_names, train.thing_classes
    else:
        train, val, things = _segmentation_folders(cfg, source, seed, panoptic)
        classes = int(cfg["num_classes"])
        names = [f"class {i}" for i in range(classes)]
    info = {
        "task": task,
        "source": source,
        "num_classes": classes,
        "class_names": names,
        "image_size": size,
        "channels": channels,
        "num_train": len(train),
        "num_val": len(val),
    }
    if panoptic:
        if not things:
            raise ValueError(
                f"panoptic data {source} has no instances: no pixel of instances/ has a nonzero "
                "id. Mark each object's pixels with its own id (1, 2, ...), 0 elsewhere."
            )
        info["thing_classes"] = list(things)
        info["fit_dims"] = {"thing_classes": list(things)}  # train.py sets the model's to it
    return train, val, info


def build_semantic_datasets(cfg: dict, source: str, seed: int):
    return _segmentation_datasets(cfg, source, seed, panoptic=False)


def build_panoptic_datasets(cfg: dict, source: str, seed: int):
    return _segmentation_datasets(cfg, source, seed, panoptic=True)
