"""Detection and instance segmentation data from the segmentation scenes' drawer
(data/synthetic_scenes.py): 1 to 3 shapes per image that do not touch, each object's class its
(shape, colour) pair, its mask the pixels of its instance and its box their extent."""

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_scenes import SCENE_MAX_SHAPES, draw_scene, scene_shape_classes

DETECTION_SCENE_OBJECTS = SCENE_MAX_SHAPES["semantic"]


def scene_objects(classes: np.ndarray, instances: np.ndarray) -> dict:
    """Boxes (N, 4) as (x0, y0, x1, y1) pixel edges, classes (N,) counted from 0 (the class
    map's 0 is the background) and masks (N, H, W), one per instance id, in drawing order."""
    ids = [i for i in np.unique(instances) if i > 0]
    masks = np.stack([instances == i for i in ids]) if ids else np.zeros((0, *instances.shape))
    boxes, labels = [], []
    for mask in masks:
        cols, rows = np.flatnonzero(mask.any(0)), np.flatnonzero(mask.any(1))
        boxes.append([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1])
        labels.append(int(classes[mask][0]) - 1)
    return {
        "boxes": np.array(boxes, np.float32).reshape(-1, 4),
        "classes": np.array(labels, np.int64),
        "masks": masks.astype(bool),
    }


def pad_objects(boxes, classes, masks, max_objects: int, image_size: int) -> dict:
    """Fixed-size targets for batching: gt_boxes (M, 4), gt_classes (M,) with -1 padding, and
    gt_masks (M, H, W) uint8 when masks is not None."""
    count = len(classes)
    gt_boxes = torch.zeros(max_objects, 4)
    gt_boxes[:count] = torch.as_tensor(boxes, dtype=torch.float32)
    gt_classes = torch.full((max_objects,), -1, dtype=torch.long)
    gt_classes[:count] = torch.as_tensor(classes, dtype=torch.long)
    out = {"gt_boxes": gt_boxes, "gt_classes": gt_classes}
    if masks is not None:
        gt_masks = torch.zeros(max_objects, image_size, image_size, dtype=torch.uint8)
        gt_masks[:count] = torch.as_tensor(np.asarray(masks), dtype=torch.uint8)
        out["gt_masks"] = gt_masks
    return out


class ShapeScenesDataset(Dataset):
    """`size` scenes; scene i is drawn from (seed, i) alone, so any order gives the same data.
    Items: images, gt_boxes, gt_classes (and gt_masks with `with_masks`)."""

    def __init__(
        self,
        size: int,
        image_size: int,
        channels: int,
        seed: int,
        num_classes: int,
        with_masks: bool = False,
    ) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels ({channels}) must be 1 (gray) or 3 (RGB)")
        if image_size < 32:
            raise ValueError(f"image_size ({image_size}) must be at least 32 for shape scenes")
        self.size, self.image_size, self.channels, self.seed = size, image_size, channels, seed
        self.with_masks = with_masks
        self.shapes = scene_shape_classes(num_classes, channels)
        self.class_names = [f"{color} {shape}" for shape, color in self.shapes]

    def __len__(self) -> int:
        return self.size

    def scene(self, index: int) -> tuple[np.ndarray, dict]:
        """(image (C, H, W) in [0, 1], objects) of scene `index`."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} out of range for {self.size} scenes")
        rng = np.random.default_rng([self.seed, index])
        image, classes, instances = draw_scene(
            rng, self.image_size, self.channels, self.shapes, panoptic=False
        )
        return image, scene_objects(classes, instances)

    def __getitem__(self, index: int) -> dict:
        image, objects = self.scene(index)
        masks = objects["masks"] if self.with_masks else None
        return {
            "images": normalize_pixels(torch.from_numpy(image)),
            **pad_objects(
                objects["boxes"],
                objects["classes"],
                masks,
                DETECTION_SCENE_OBJECTS,
                self.image_size,
            ),
        }
