"""User segmentation data: `root/images/*.png|jpg` with `root/masks/<same name>.png`, one class
id per mask pixel (a grayscale or palette PNG, as Pascal VOC's), and for panoptic data
`root/instances/<same name>.png` with an instance id per pixel (0 where no instance is).
Optionally pre-split: `root/train/` and `root/val/` (or `test/`), each laid out as above.

Every file is checked when the dataset is built, so a malformed file stops training before it
starts, with an error that names it."""

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.image_folder import IMAGE_SUFFIXES, load_image, verified_image_size
from metagen.data.pixels import normalize_pixels

SEGMENTATION_SPLITS = ("val", "test")
MASK_MODES = ("L", "P", "I", "I;16")  # single-channel PNG modes that hold integer ids


def find_segmentation_splits(root) -> tuple[Path, Path] | None:
    """(train, held-out) folders when `root` holds train/ and val/ (or test/) with images/."""
    root = Path(root)
    if not (root / "train" / "images").is_dir():
        return None
    for name in SEGMENTATION_SPLITS:
        if (root / name / "images").is_dir():
            return root / "train", root / name
    return None


def read_id_map(path: Path, what: str) -> np.ndarray:
    """A single-channel PNG of integer ids as (H, W) int64, or a ValueError naming the file."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            mode, array = image.mode, np.array(image)
    except Exception as err:
        raise ValueError(
            f"cannot read {what} {path} ({type(err).__name__}: {err}); delete or replace it."
        ) from None
    if mode not in MASK_MODES:
        raise ValueError(
            f"{what} {path} is a {mode} image; write one id per pixel as a single-channel "
            "(grayscale or palette) PNG, not colours."
        )
    return array.astype(np.int64)


def resize_id_map(ids: np.ndarray, size: int) -> np.ndarray:
    """Nearest-neighbour resize to size x size: ids are labels, never blended."""
    rows = (np.arange(size) * ids.shape[0] // size).clip(0, ids.shape[0] - 1)
    cols = (np.arange(size) * ids.shape[1] // size).clip(0, ids.shape[1] - 1)
    return ids[rows[:, None], cols[None, :]]


def _image_size(path: Path) -> tuple[int, int]:
    try:
        width, height = verified_image_size(path)
    except Exception as err:
        raise ValueError(
            f"cannot read image {path} ({type(err).__name__}: {err}); delete or replace this file."
        ) from None
    return height, width


class SegmentationFolder(Dataset):
    """Images and masks under `root`; images resized bilinearly and masks by nearest neighbour
    to `image_size` square. Items: {"images", "targets"} as the synthetic scenes."""

    def __init__(
        self, root, image_size: int, channels: int, num_classes: int, panoptic: bool = False
    ):
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(
                f"segmentation data folder {root} does not exist; pass a folder with images/ "
                "and masks/ (same file names), or use --data synthetic."
            )
        folders = ("images", "masks", "instances") if panoptic else ("images", "masks")
        missing = [name for name in folders if not (root / name).is_dir()]
        if missing:
            raise ValueError(
                f"segmentation data folder {root} has no {' or '.join(missing)} folder; lay it "
                "out as root/images/<name>.png with root/masks/<name>.png (class ids)"
                + (" and root/instances/<name>.png (instance ids)" if panoptic else "")
                + "."
            )
        self.root, self.image_size, self.channels = root, image_size, channels
        self.num_classes, self.panoptic = num_classes, panoptic
        images = sorted(
            p
            for p in (root / "images").iterdir()
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
        )
        if not images:
            raise ValueError(f"{root / 'images'} has no .png/.jpg/.jpeg images; add some.")
        self.samples = [self._check_sample(path) for path in images]
        self.thing_classes = sorted(set().union(*(s[3] for s in self.samples))) if panoptic else []

    def _check_sample(self, image: Path) -> tuple[Path, Path, Path | None, set[int]]:
        mask = self.root / "masks" / f"{image.stem}.png"
        if not mask.is_file():
            raise ValueError(
                f"image {image} has no mask: expected {mask}. Add the mask (a PNG of class ids, "
                "same name) or remove the image."
            )
        size = _image_size(image)
        classes = read_id_map(mask, "mask")
        if classes.shape != size:
            raise ValueError(
                f"mask {mask} is {classes.shape[1]}x{classes.shape[0]} but image {image} is "
                f"{size[1]}x{size[0]}; a mask must have its image's size."
            )
        if classes.min() < 0 or classes.max() >= self.num_classes:
            raise ValueError(
                f"mask {mask} has class id {int(classes.max())}, but task.num_classes is "
                f"{self.num_classes} (ids 0 to {self.num_classes - 1}); raise task.num_classes "
                f"to at least {int(classes.max()) + 1} or fix the mask."
            )
        if not self.panoptic:
            return image, mask, None, set()
        instances_path = self.root / "instances" / f"{image.stem}.png"
        if not instances_path.is_file():
            raise ValueError(
                f"image {image} has no instance map: expected {instances_path} (instance ids, "
                "0 where no instance is)."
            )
        instances = read_id_map(instances_path, "instance map")
        if instances.shape != size:
            raise ValueError(
                f"instance map {instances_path} is {instances.shape[1]}x{instances.shape[0]} but "
                f"image {image} is {size[1]}x{size[0]}; it must have its image's size."
            )
        return image, mask, instances_path, {int(c) for c in np.unique(classes[instances > 0])}

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict:
        image, mask, instances, _ = self.samples[index]
        pixels = load_image(image, self.image_size, self.channels)  # (H, W, C) uint8
        images = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255.0  # (C, H, W)
        targets = resize_id_map(read_id_map(mask, "mask"), self.image_size)
        if instances is not None:
            ids = resize_id_map(read_id_map(instances, "instance map"), self.image_size)
            targets = np.stack((targets, ids))  # (2, H, W)
        return {"images": normalize_pixels(images), "targets": torch.from_numpy(targets)}
