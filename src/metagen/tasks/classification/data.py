"""Image classification data: synthetic shapes, or a user's folder of class folders."""

from torch.utils.data import Subset

from metagen.data.augment import augmented_training
from metagen.data.class_count import require_two_classes
from metagen.data.image_folder import (
    ImageFolderDataset,
    find_split_folders,
    picture_resize,
    split_indices,
)
from metagen.data.synthetic_images import ShapesDataset


def _image_folder_datasets(cfg: dict, source: str, seed: int, resize: str):
    image_size, channels = int(cfg["image_size"]), int(cfg["channels"])
    trained = cfg.get("trained_info")
    if cfg.get("held_out") == "given" and trained:  # evaluate.py --data: every picture, scored
        every = ImageFolderDataset(source, image_size, channels, trained["class_names"], resize)
        return every, every, every.class_names
    folders = find_split_folders(source)
    if folders is not None:
        train = ImageFolderDataset(folders[0], image_size, channels, resize=resize)
        val = ImageFolderDataset(folders[1], image_size, channels, train.class_names, resize)
        return train, val, train.class_names
    full = ImageFolderDataset(source, image_size, channels, resize=resize)
    train_idx, val_idx = split_indices(
        len(full), float(cfg["val_fraction"]), seed, labels=full.labels
    )
    return Subset(full, train_idx), Subset(full, val_idx), full.class_names


def _shapes_datasets(cfg: dict, seed: int):
    shape_args = (int(cfg["image_size"]), int(cfg["channels"]))
    num_classes = int(cfg["num_classes"])
    # Separate seeds per split: no validation image is a training image.
    train = ShapesDataset(int(cfg["num_train"]), *shape_args, 2 * seed, num_classes)
    val = ShapesDataset(int(cfg["num_val"]), *shape_args, 2 * seed + 1, num_classes)
    return train, val, train.class_names


def image_classification_datasets(cfg: dict, source: str, seed: int):
    resize = picture_resize(cfg, "pad")  # pictures keep their aspect ratio unless told
    if source == "synthetic":
        train, val, class_names = _shapes_datasets(cfg, seed)
    else:
        train, val, class_names = _image_folder_datasets(cfg, source, seed, resize)
        require_two_classes(
            class_names,
            f"image folder {source}",
            "Add a folder of images for every other class, root/<class_name>/<image>.png "
            "(in root/train/ when the data is split).",
        )
    # the training split alone is augmented: by default a user's pictures, not the shapes
    train, augment = augmented_training(
        train, cfg, seed, int(cfg["channels"]), class_names, default=source != "synthetic"
    )
    info = {
        "task": "classification",
        "source": source,
        "num_classes": len(class_names),
        "class_names": list(class_names),
        "image_size": int(cfg["image_size"]),
        "channels": int(cfg["channels"]),
        "num_train": len(train),
        "num_val": len(val),
        "resize": resize,  # how infer.py makes a picture square
        "augment": augment,
    }
    return train, val, info
