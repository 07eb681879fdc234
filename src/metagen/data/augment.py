"""Training-time picture augmentation: random resized crop, horizontal flip, colour jitter.
A batch's draws come from (seed, its sample indices) alone, so batch k of a run depends only
on (seed, k), whatever the loader's workers, and a resumed run sees the same batches."""

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from metagen.data.pixels import denormalize_pixels, normalize_pixels

AUGMENT_STREAM = 0x41554731  # keeps these draws apart from other (seed, index) streams
LUMA = (0.299, 0.587, 0.114)  # ITU-R 601: the grey that saturation and contrast blend to


@dataclass(frozen=True)
class PictureAugment:
    """What a training picture may undergo. The crop keeps a modest share of the area, as
    small pictures (8x8 digits) lose their class to a deep one (about fastai's zoom);
    colour factors are drawn from [1 - jitter, 1 + jitter]."""

    flip: bool  # off where a mirror changes the class (flips_by_default)
    crop_scale: tuple[float, float] = (0.8, 1.0)
    crop_ratio: tuple[float, float] = (3 / 4, 4 / 3)
    jitter: float = 0.2


@dataclass(frozen=True)
class PictureDraw:
    box: tuple[int, int, int, int]  # top, left, height, width
    flip: bool
    brightness: float
    contrast: float
    saturation: float


def flips_by_default(channels: int, class_names) -> bool:
    """Mirror only colour photos: gray pictures (digits, letters, scans, X-rays, whose left and
    right differ) and classes named by one character (digits, letters) keep their side."""
    return channels == 3 and not all(len(str(name)) == 1 for name in class_names)


def random_crop_box(rng: np.random.Generator, height: int, width: int, scale, ratio) -> tuple:
    """(top, left, h, w): a random share `scale` of the area at a log-uniform aspect `ratio`,
    placed at random; the whole picture when ten tries find no box that fits."""
    for _ in range(10):
        area = height * width * rng.uniform(*scale)
        aspect = np.exp(rng.uniform(np.log(ratio[0]), np.log(ratio[1])))
        h, w = int(round(np.sqrt(area / aspect))), int(round(np.sqrt(area * aspect)))
        if 0 < w <= width and 0 < h <= height:
            top, left = int(rng.integers(height - h + 1)), int(rng.integers(width - w + 1))
            return top, left, h, w
    return 0, 0, height, width


def draw_picture_augment(rng, settings: PictureAugment, height: int, width: int) -> PictureDraw:
    box = random_crop_box(rng, height, width, settings.crop_scale, settings.crop_ratio)
    flip = bool(rng.random() < 0.5) and settings.flip
    factors = rng.uniform(1.0 - settings.jitter, 1.0 + settings.jitter, size=3)
    return PictureDraw(box, flip, *(float(f) for f in factors))


def resized_crop(image: torch.Tensor, box: tuple) -> torch.Tensor:
    """The box of a (C, H, W) picture resized back to (H, W), bilinear; the whole box as is."""
    top, left, h, w = box
    if (h, w) == tuple(image.shape[-2:]):
        return image
    crop = image[None, :, top : top + h, left : left + w]  # (1, C, h, w)
    return F.interpolate(crop, size=image.shape[-2:], mode="bilinear", align_corners=False)[0]


def grey_of(image: torch.Tensor) -> torch.Tensor:
    """(1, H, W) luma of a (C, H, W) picture; a gray picture is its own."""
    if image.shape[0] == 1:
        return image
    return (image * image.new_tensor(LUMA)[:, None, None]).sum(0, keepdim=True)


def jitter_colours(image: torch.Tensor, brightness, contrast, saturation) -> torch.Tensor:
    """ColorJitter's steps on [0, 1] pixels, each clamped: brightness scales, contrast blends
    with the mean grey, saturation with each pixel's grey (colour pictures only)."""
    image = (image * brightness).clamp(0.0, 1.0)
    image = (contrast * image + (1.0 - contrast) * grey_of(image).mean()).clamp(0.0, 1.0)
    if image.shape[0] == 3:
        image = (saturation * image + (1.0 - saturation) * grey_of(image)).clamp(0.0, 1.0)
    return image


def apply_picture_augment(image: torch.Tensor, draw: PictureDraw) -> torch.Tensor:
    """`draw` applied to a (C, H, W) picture in [0, 1]: crop, then mirror, then colour."""
    image = resized_crop(image, draw.box)
    image = image.flip(-1) if draw.flip else image
    return jitter_colours(image, draw.brightness, draw.contrast, draw.saturation)


class AugmentedPictures(Dataset):
    """A training split augmented afresh in every batch: the loader asks for a batch's items
    together (`__getitems__`), drawn from (seed, the batch's indices in order)."""

    def __init__(self, dataset, settings: PictureAugment, seed: int):
        self.dataset, self.settings, self.seed = dataset, settings, seed

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> dict:
        return self.__getitems__([index])[0]

    def __getitems__(self, indices) -> list[dict]:
        rng = np.random.default_rng([AUGMENT_STREAM, self.seed, *(int(i) for i in indices)])
        items = [dict(self.dataset[index]) for index in indices]
        for item in items:
            pixels = denormalize_pixels(item["images"])  # (C, H, W) in [0, 1]
            draw = draw_picture_augment(rng, self.settings, *pixels.shape[-2:])
            item["images"] = normalize_pixels(apply_picture_augment(pixels, draw))
        return items


def augmented_training(train, cfg: dict, seed: int, channels: int, class_names, default: bool):
    """(the training split, augmented unless the data config's `augment` (unset: `default`)
    is false; what it undergoes, for data_info.json, or False). `flip` unset mirrors only
    colour photos (flips_by_default)."""
    for key in ("augment", "flip"):
        if cfg.get(key) is not None and not isinstance(cfg[key], bool):
            raise ValueError(f"the data config's {key} ({cfg[key]!r}) must be true or false")
    if not (default if cfg.get("augment") is None else cfg["augment"]):
        return train, False
    flip = cfg.get("flip")
    settings = PictureAugment(flips_by_default(channels, class_names) if flip is None else flip)
    return AugmentedPictures(train, settings, seed), asdict(settings)
