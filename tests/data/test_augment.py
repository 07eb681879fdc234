"""Training-time picture augmentation (data/augment.py): each op does what it says, a run's
batches are drawn from (seed, step) alone, and only the training split is augmented."""

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from metagen.data.augment import (
    AugmentedPictures,
    PictureAugment,
    PictureDraw,
    apply_picture_augment,
    draw_picture_augment,
    flips_by_default,
    jitter_colours,
    random_crop_box,
    resized_crop,
)
from metagen.data.image_folder import ImageFolderDataset
from metagen.data.pixels import denormalize_pixels, normalize_pixels
from metagen.tasks.runtime import build_datasets
from metagen.train.distributed import DistInfo
from metagen.train.loop import train_batches

torch.set_num_threads(1)
KEEP = PictureDraw(box=(0, 0, 8, 8), flip=False, brightness=1.0, contrast=1.0, saturation=1.0)


def _picture(channels=3, size=8, seed=0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).random((channels, size, size))).float()


class Numbered(Dataset):
    """Pictures that carry their own index, to follow a sample through the loader."""

    def __init__(self, n=12, channels=3, size=8):
        self.pictures = [_picture(channels, size, seed=i) for i in range(n)]

    def __len__(self):
        return len(self.pictures)

    def __getitem__(self, index):
        return {"images": normalize_pixels(self.pictures[index]), "labels": torch.tensor(index)}


def test_a_flip_mirrors_left_and_right():
    image = torch.zeros(3, 8, 8)
    image[:, :, :3] = 1.0  # the left three columns
    flipped = apply_picture_augment(image, PictureDraw((0, 0, 8, 8), True, 1.0, 1.0, 1.0))
    assert torch.equal(flipped[:, :, 5:], torch.ones(3, 8, 3))
    assert torch.equal(flipped[:, :, :5], torch.zeros(3, 8, 5))
    assert torch.equal(flipped, image.flip(-1))


def test_a_crop_of_the_whole_picture_is_the_identity_and_a_box_is_enlarged():
    image = _picture()
    assert torch.equal(resized_crop(image, (0, 0, 8, 8)), image)
    assert torch.equal(apply_picture_augment(image, KEEP), image)
    quarter = torch.zeros(1, 8, 8)
    quarter[:, :4, :4] = 0.75  # the top-left quadrant, enlarged, fills the picture
    assert torch.allclose(resized_crop(quarter, (0, 0, 4, 4)), torch.full((1, 8, 8), 0.75))
    # a right half enlarged twice across: column pairs of the half, same rows
    ramp = torch.arange(8.0).repeat(8, 1)[None] / 8  # (1, 8, 8), value = column / 8
    wide = resized_crop(ramp, (0, 4, 8, 4))
    assert wide.shape == (1, 8, 8) and torch.equal(wide[:, :, 0], ramp[:, :, 4])
    assert torch.all(wide[:, :, 1:] >= wide[:, :, :-1]) and torch.equal(wide[:, 0], wide[:, 7])


def test_crop_boxes_keep_the_area_share_and_stay_inside():
    rng = np.random.default_rng(0)
    assert random_crop_box(rng, 32, 32, (1.0, 1.0), (1.0, 1.0)) == (0, 0, 32, 32)
    for _ in range(200):
        top, left, h, w = random_crop_box(rng, 32, 24, (0.8, 1.0), (3 / 4, 4 / 3))
        assert 0 <= top and top + h <= 32 and 0 <= left and left + w <= 24
        assert 0.8 * 32 * 24 * 0.93 <= h * w <= 32 * 24  # rounding to whole pixels


def test_colour_jitter_scales_blends_and_clamps():
    image = _picture()
    assert torch.equal(jitter_colours(image, 1.0, 1.0, 1.0), image)
    half = torch.full((3, 4, 4), 0.5)
    assert torch.allclose(jitter_colours(half, 1.2, 1.0, 1.0), torch.full((3, 4, 4), 0.6))
    assert jitter_colours(torch.full((3, 4, 4), 0.9), 1.2, 1.0, 1.0).max() == 1.0  # clamped
    flat = jitter_colours(image, 1.0, 0.0, 1.0)  # no contrast: the mean grey everywhere
    assert torch.allclose(flat, flat[:, :1, :1].expand_as(flat))
    grey = jitter_colours(image, 1.0, 1.0, 0.0)  # no saturation: every channel the same
    assert torch.allclose(grey[0], grey[1]) and torch.allclose(grey[1], grey[2])
    expected = 0.299 * image[0] + 0.587 * image[1] + 0.114 * image[2]
    assert torch.allclose(grey[0], expected, atol=1e-6)
    stronger = jitter_colours(image, 1.0, 1.2, 1.0)
    assert stronger.std() > image.std()
    gray_picture = _picture(channels=1)  # saturation leaves a gray picture as it is
    assert torch.equal(jitter_colours(gray_picture, 1.0, 1.0, 0.0), gray_picture)


def test_draws_stay_in_their_ranges_and_never_flip_when_flips_are_off():
    rng = np.random.default_rng(1)
    draws = [draw_picture_augment(rng, PictureAugment(flip=False), 16, 16) for _ in range(100)]
    assert not any(d.flip for d in draws)
    for d in draws:
        assert all(0.8 <= f <= 1.2 for f in (d.brightness, d.contrast, d.saturation))
    flips = [draw_picture_augment(rng, PictureAugment(flip=True), 16, 16).flip for _ in range(200)]
    assert 70 < sum(flips) < 130


def test_augmented_items_keep_shape_range_and_labels():
    base = Numbered(channels=3, size=16)
    augmented = AugmentedPictures(base, PictureAugment(flip=True), seed=0)
    items = augmented.__getitems__(list(range(12)))
    changed = 0
    for i, item in enumerate(items):
        assert item["images"].shape == (3, 16, 16) and item["images"].dtype == torch.float32
        pixels = denormalize_pixels(item["images"])
        assert pixels.min() >= 0.0 and pixels.max() <= 1.0
        assert int(item["labels"]) == i
        changed += not torch.allclose(item["images"], base[i]["images"])
    assert changed == 12
    assert torch.equal(augmented[3]["images"], augmented[3]["images"])  # one item: (seed, i)


def test_a_batch_is_drawn_from_the_seed_and_its_indices_alone():
    base = Numbered()
    one, same = (AugmentedPictures(base, PictureAugment(flip=True), seed=7) for _ in range(2))
    other = AugmentedPictures(base, PictureAugment(flip=True), seed=8)
    batch = [3, 1, 4, 5]
    for a, b in zip(one.__getitems__(batch), same.__getitems__(batch), strict=True):
        assert torch.equal(a["images"], b["images"])
    assert not torch.equal(
        one.__getitems__(batch)[0]["images"], other.__getitems__(batch)[0]["images"]
    )
    # sample 3 in another batch (another epoch) is augmented afresh
    assert not torch.equal(
        one.__getitems__(batch)[0]["images"], one.__getitems__([3, 2])[0]["images"]
    )
    # the loader's workers draw what the main process draws
    loaders = [DataLoader(one, batch_size=4, sampler=[3, 1, 4, 5, 0, 2, 6, 7], num_workers=n)
               for n in (0, 2)]  # fmt: skip
    for a, b in zip(*loaders, strict=True):
        assert torch.equal(a["images"], b["images"]) and torch.equal(a["labels"], b["labels"])


def test_a_runs_batch_k_depends_on_the_seed_and_k_alone():
    """The loop's batches: a run resumed at step 3 sees the batches of an uninterrupted one,
    and a sample seen again in a later epoch is augmented afresh."""
    augmented = AugmentedPictures(Numbered(), PictureAugment(flip=True), seed=0)
    cfg = {"batch_size": 4, "seed": 0}  # 12 samples: 3 batches an epoch
    fresh = train_batches(augmented, cfg, DistInfo(), 0)
    run = [next(fresh) for _ in range(7)]
    resumed = train_batches(augmented, cfg, DistInfo(), 3)
    for k in range(3, 7):
        batch = next(resumed)
        assert torch.equal(batch["images"], run[k]["images"])
        assert torch.equal(batch["labels"], run[k]["labels"])
    first = {int(i): x for b in run[:3] for i, x in zip(b["labels"], b["images"], strict=True)}
    again = {int(i): x for b in run[3:6] for i, x in zip(b["labels"], b["images"], strict=True)}
    assert sorted(first) == sorted(again) == list(range(12))
    assert all(not torch.equal(first[i], again[i]) for i in range(12))


def _write_folder(root, classes, channels, per_class=5, size=12):
    rng = np.random.default_rng(0)
    for name in classes:
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            shape = (size, size, 3) if channels == 3 else (size, size)
            pixels = rng.integers(0, 256, shape, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")


def test_only_the_training_split_of_a_folder_is_augmented(tmp_path):
    _write_folder(tmp_path / "train", ("cat", "dog"), 3)
    _write_folder(tmp_path / "test", ("cat", "dog"), 3, per_class=2)
    cfg = {"image_size": 12, "channels": 3}
    train, val, info = build_datasets("classification", cfg, str(tmp_path), 0)
    assert isinstance(train, AugmentedPictures) and info["augment"]["flip"] is True
    plain_train = ImageFolderDataset(tmp_path / "train", 12, 3, resize="pad")
    plain_val = ImageFolderDataset(tmp_path / "test", 12, 3, ["cat", "dog"], "pad")
    items = train.__getitems__(list(range(len(train))))
    assert all(not torch.equal(a["images"], plain_train[i]["images"]) for i, a in enumerate(items))
    for i in range(len(val)):  # validation (and so evaluation) reads pictures as they are
        assert torch.equal(val[i]["images"], plain_val[i]["images"])
    assert not isinstance(val, AugmentedPictures)
    # one folder split by val_fraction: the held-out share is read plain too
    flat = tmp_path / "flat"
    _write_folder(flat, ("cat", "dog"), 3, per_class=10)
    train, val, _ = build_datasets("classification", {**cfg, "val_fraction": 0.2}, str(flat), 0)
    plain = ImageFolderDataset(flat, 12, 3, resize="pad")
    assert isinstance(train, AugmentedPictures) and not isinstance(val, AugmentedPictures)
    for i in range(len(val)):
        assert torch.equal(val[i]["images"], plain[val.indices[i]]["images"])


def test_the_data_config_turns_augmentation_and_flips_on_and_off(tmp_path):
    _write_folder(tmp_path / "digits", [str(d) for d in range(3)], 1)
    cfg = {"image_size": 12, "channels": 1}
    train, _, info = build_datasets("classification", cfg, str(tmp_path / "digits"), 0)
    assert isinstance(train, AugmentedPictures) and info["augment"]["flip"] is False
    train, _, info = build_datasets(
        "classification", {**cfg, "augment": False}, str(tmp_path / "digits"), 0
    )
    assert not isinstance(train, AugmentedPictures) and info["augment"] is False
    _, _, info = build_datasets(
        "classification", {**cfg, "flip": True}, str(tmp_path / "digits"), 0
    )
    assert info["augment"]["flip"] is True
    with pytest.raises(ValueError, match="augment \\('no'\\) must be true or false"):
        build_datasets("classification", {**cfg, "augment": "no"}, str(tmp_path / "digits"), 0)
    # the built-in shapes are drawn afresh per index: augmented only when asked
    shapes = {"image_size": 16, "channels": 3, "num_train": 20, "num_val": 4}
    train, _, info = build_datasets("classification", shapes, "synthetic", 0)
    assert not isinstance(train, AugmentedPictures) and info["augment"] is False
    train, _, _ = build_datasets("classification", {**shapes, "augment": True}, "synthetic", 0)
    assert isinstance(train, AugmentedPictures)


def test_flips_are_on_by_default_only_for_colour_photos():
    assert flips_by_default(3, ["cat", "dog"])
    assert not flips_by_default(1, ["cat", "dog"])  # gray: digits, scans, X-rays
    assert not flips_by_default(3, [str(d) for d in range(10)])  # house numbers in colour
    assert not flips_by_default(3, ["a", "b", "c"])
