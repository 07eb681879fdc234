"""Aspect-preserving resize (data/image_folder.py fit_picture): a picture's longer side is
scaled to image_size and centred on gray, so a circle in a 3:1 picture stays round; image
classification reads its pictures so in training, evaluation and the package's infer.py."""

import inspect
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from tests.paths import EXAMPLES

from metagen.data.image_folder import PAD_LEVEL, ImageFolderDataset, load_image, picture_resize
from metagen.data.pixels import normalize_pixels
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)


def _circle_picture(path, width, height, radius, channels=3):
    """A black disc centred on a white `width` x `height` picture."""
    yy, xx = np.mgrid[0:height, 0:width] + 0.5
    disc = (xx - width / 2) ** 2 + (yy - height / 2) ** 2 <= radius**2
    pixels = np.where(disc, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels if channels == 1 else np.stack([pixels] * 3, -1))
    image.save(path)


def _disc(pixels: np.ndarray) -> dict:
    """The dark disc's extent (width, height), centre (x, y) and fill of its bounding
    ellipse (pi/4 of the box for a true disc) in an (H, W, C) picture."""
    dark = pixels.mean(-1) < 64
    ys, xs = np.nonzero(dark)
    width, height = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    ellipse = np.pi / 4 * width * height
    return {
        "width": int(width),
        "height": int(height),
        "centre": ((xs.min() + xs.max() + 1) / 2, (ys.min() + ys.max() + 1) / 2),
        "fill": dark.sum() / ellipse,
    }


@pytest.mark.parametrize("wide", [True, False])
def test_a_circle_in_a_3_to_1_picture_stays_round(tmp_path, wide):
    path = tmp_path / "circle.png"
    size = (600, 200) if wide else (200, 600)
    _circle_picture(path, *size, radius=80)
    padded = _disc(load_image(path, 96, 3, "pad"))
    # 80 / 600 * 96 = 12.8 pixels of radius, so about 26 across both ways
    assert abs(padded["width"] - padded["height"]) <= 1
    assert 24 <= padded["width"] <= 28
    assert padded["fill"] == pytest.approx(1.0, abs=0.08)
    assert padded["centre"] == pytest.approx((48, 48), abs=0.6)
    stretched = _disc(load_image(path, 96, 3, "stretch"))
    ratio = (
        stretched["height"] / stretched["width"]
        if wide
        else stretched["width"] / stretched["height"]
    )
    assert ratio == pytest.approx(3.0, rel=0.1)  # what the square stretch did to it


def test_padding_is_centred_gray_bars_and_a_square_picture_is_resized_as_before(tmp_path):
    _circle_picture(tmp_path / "wide.png", 300, 100, radius=30, channels=1)
    pixels = load_image(tmp_path / "wide.png", 30, 1, "pad")[..., 0]  # (30, 30)
    # 300x100 -> 30x10, on rows 10..19; gray bars above and below
    assert np.all(pixels[:10] == PAD_LEVEL) and np.all(pixels[20:] == PAD_LEVEL)
    assert np.all(pixels[10:20, :5] == 255)  # the picture's own white, left of the disc
    _circle_picture(tmp_path / "square.png", 64, 64, radius=20)
    assert np.array_equal(
        load_image(tmp_path / "square.png", 24, 3, "pad"),
        load_image(tmp_path / "square.png", 24, 3, "stretch"),
    )


def test_stretch_stays_the_default_for_readers_that_map_boxes_and_masks(tmp_path):
    """COCO detection, segmentation and captions call load_image without a resize: their
    boxes and masks are mapped to the stretched square, so the default is unchanged."""
    _circle_picture(tmp_path / "wide.png", 300, 100, radius=30)
    assert np.array_equal(
        load_image(tmp_path / "wide.png", 32, 3),
        load_image(tmp_path / "wide.png", 32, 3, "stretch"),
    )
    assert inspect.signature(ImageFolderDataset).parameters["resize"].default == "stretch"


def test_a_resize_the_readers_do_not_know_is_refused(tmp_path):
    _circle_picture(tmp_path / "c.png", 30, 10, radius=3)
    with pytest.raises(ValueError, match="resize \\('crop'\\) must be one of pad, stretch"):
        load_image(tmp_path / "c.png", 16, 3, "crop")
    assert picture_resize({}, "pad") == "pad"
    assert picture_resize({"resize": "stretch"}, "pad") == "stretch"
    with pytest.raises(ValueError, match="data config's resize"):
        picture_resize({"resize": "letterbox"}, "pad")


def _write_wide_classes(root):
    for name, radius in (("small", 10), ("large", 40)):
        (root / name).mkdir(parents=True)
        for i in range(4):
            _circle_picture(root / name / f"{i}.png", 300 + 10 * i, 100, radius=radius)


def test_image_classification_reads_its_pictures_padded_unless_told(tmp_path):
    _write_wide_classes(tmp_path / "data")
    cfg = {"image_size": 32, "channels": 3, "val_fraction": 0.25, "augment": False}
    train, val, info = build_datasets("classification", cfg, str(tmp_path / "data"), 0)
    assert info["resize"] == "pad"
    for ds in (train, val):
        for i in range(len(ds)):
            pixels = ds.dataset.samples[ds.indices[i]][0]
            expected = load_image(pixels, 32, 3, "pad")
            image = torch.from_numpy(expected).permute(2, 0, 1).float() / 255.0
            assert torch.equal(ds[i]["images"], normalize_pixels(image))
    _, val, info = build_datasets(
        "classification", {**cfg, "resize": "stretch"}, str(tmp_path / "data"), 0
    )
    assert info["resize"] == "stretch"
    path = val.dataset.samples[val.indices[0]][0]
    stretched = torch.from_numpy(load_image(path, 32, 3, "stretch")).permute(2, 0, 1) / 255.0
    assert torch.equal(val[0]["images"], normalize_pixels(stretched.float()))


@pytest.mark.slow  # synthesizes and trains the digits CNN for one step (about 15 s)
def test_the_packages_infer_reads_a_wide_picture_as_training_did(tmp_path):
    from metagen.report.predictions import load_trained
    from metagen.spec import load_spec
    from metagen.synthesis import synthesize
    from metagen.train_cli import train_command

    _write_wide_classes(tmp_path / "data")
    run = synthesize(load_spec(EXAMPLES / "image" / "digits_cnn.yaml"), tmp_path, "digits")
    command = train_command(run, "smoke", 1, str(tmp_path / "data"), None, False, False)
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    info = json.loads((run / "train" / "smoke" / "data_info.json").read_text())
    assert info["resize"] == "pad" and info["augment"]["flip"] is False  # gray: no mirror
    picture = tmp_path / "data" / "large" / "3.png"
    out = tmp_path / "p.jsonl"
    infer = [sys.executable, str(run / "code" / "infer.py"), "--checkpoint",
             str(run / "train" / "smoke"), str(picture), "--out", str(out)]  # fmt: skip
    done = subprocess.run(infer, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    row = json.loads(out.read_text().splitlines()[0])
    model, _, data_cfg = load_trained(run, "smoke")
    size = int(data_cfg["image_size"])

    def probabilities(resize: str) -> torch.Tensor:
        pixels = torch.from_numpy(load_image(picture, size, 1, resize)).permute(2, 0, 1)
        with torch.no_grad():
            return model(images=normalize_pixels(pixels[None].float() / 255.0)).softmax(-1)[0]

    padded, stretched = probabilities("pad"), probabilities("stretch")
    names = info["class_names"]
    for name, probability in row["top"].items():
        assert probability == pytest.approx(float(padded[names.index(name)]), abs=5e-6)
    assert not torch.allclose(padded, stretched, atol=1e-4)  # the test tells them apart
