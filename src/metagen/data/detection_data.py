"""Datasets for detection and instance segmentation: synthetic shape scenes, or COCO files.

A COCO source is one annotations JSON (split by val_fraction), or a folder holding
train.json with val.json or test.json (the images beside them or in images/), or a folder
holding exactly one JSON.
"""

from pathlib import Path

import numpy as np

from metagen.data.coco_data import CocoDetectionDataset, CocoFormatError, read_coco
from metagen.data.shape_scenes import DETECTION_SCENE_OBJECTS, ShapeScenesDataset

DETECTION_SPLIT_NAMES = ("val.json", "test.json")


def _coco_files(source: str) -> tuple[Path, Path | None]:
    """(train file, held-out file or None to split the train file)."""
    path = Path(source)
    if path.is_file():
        return path, None
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such file or folder of COCO annotations")
    if (path / "train.json").is_file():
        for name in DETECTION_SPLIT_NAMES:
            if (path / name).is_file():
                return path / "train.json", path / name
    found = sorted(path.glob("*.json"))
    if len(found) == 1:
        return found[0], None
    raise CocoFormatError(
        f"{path}: expected one COCO annotations .json, or train.json with val.json or "
        f"test.json; found {[p.name for p in found] or 'no .json files'}. Pass the JSON file "
        "itself, or arrange the folder that way."
    )


def _split(records: list, val_fraction: float, seed: int) -> tuple[list, list]:
    if len(records) < 2:
        raise CocoFormatError(
            f"{len(records)} image(s) cannot be split into training and "
            "held-out sets; add images or give a val.json."
        )
    order = np.random.default_rng(seed).permutation(len(records))
    n_val = min(len(records) - 1, max(1, round(val_fraction * len(records))))
    return [records[i] for i in order[n_val:]], [records[i] for i in order[:n_val]]


def _coco_datasets(cfg: dict, source: str, seed: int, masks: bool):
    train_file, val_file = _coco_files(source)
    train_records, class_names, category_ids, crowd = read_coco(train_file, masks)
    if val_file is None:
        train_records, val_records = _split(train_records, float(cfg["val_fraction"]), seed)
    else:
        val_records, val_names, val_ids, val_crowd = read_coco(val_file, masks)
        if (val_names, val_ids) != (class_names, category_ids):
            raise CocoFormatError(
                f"{val_file}: categories {dict(zip(val_ids, val_names, strict=True))} differ "
                f"from {train_file}'s {dict(zip(category_ids, class_names, strict=True))} "
                "(id: name); use the same list in both."
            )
        crowd += val_crowd
    records = train_records + val_records
    max_objects = max(1, *(len(r["objects"]) for r in records))
    args = (int(cfg["image_size"]), int(cfg["channels"]), max_objects, masks)
    train = CocoDetectionDataset(train_records, *args)
    val = CocoDetectionDataset(val_records, *args)
    # the file's own category ids, which predictions name (COCO's are not 0, 1, 2, ...)
    extra = {"max_objects": max_objects, "crowd_dropped": crowd, "category_ids": category_ids}
    return train, val, class_names, extra


def _synthetic_datasets(cfg: dict, seed: int, masks: bool):
    args = (int(cfg["image_size"]), int(cfg["channels"]))
    scene = (int(cfg["num_classes"]), masks)
    # Separate seeds per split: no held-out scene is a training scene.
    train = ShapeScenesDataset(int(cfg["num_train"]), *args, 2 * seed, *scene)
    val = ShapeScenesDataset(int(cfg["num_val"]), *args, 2 * seed + 1, *scene)
    return train, val, train.class_names, {"max_objects": DETECTION_SCENE_OBJECTS}


def build_detection_datasets(cfg: dict, source: str, seed: int):
    """(train, val, info) of images with gt_boxes, gt_classes (and gt_masks when
    cfg["with_masks"]): synthetic shape scenes, or a COCO source."""
    masks = bool(cfg.get("with_masks", False))
    if source == "synthetic":
        train, val, class_names, extra = _synthetic_datasets(cfg, seed, masks)
    else:
        train, val, class_names, extra = _coco_datasets(cfg, source, seed, masks)
    return (
        train,
        val,
        {
            "task": "instance_segmentation" if masks else "object_detection",
            "source": source,
            "num_classes": len(class_names),
            "class_names": list(class_names),
            "image_size": int(cfg["image_size"]),
            "channels": int(cfg["channels"]),
            "num_train": len(train),
            "num_val": len(val),
            **extra,
        },
    )
