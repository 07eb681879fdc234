import numpy as np
import pytest
import torch

from metagen.data.image_folder import ImageFolderDataset, split_indices
from metagen.data.pixels import denormalize_pixels
from metagen.data.synthetic_images import RGB_COLORS, ShapesDataset, shape_classes
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)


def test_shapes_are_deterministic_per_seed_and_index():
    a, b = ShapesDataset(20, 24, 3, seed=5), ShapesDataset(20, 24, 3, seed=5)
    for i in (0, 7, 19):
        assert torch.equal(a[i]["images"], b[i]["images"]) and a[i]["labels"] == b[i]["labels"]
    # Order-independent: item 7 is the same whether or not earlier items were drawn.
    assert torch.equal(ShapesDataset(20, 24, 3, seed=5)[7]["images"], a[7]["images"])
    assert not torch.equal(ShapesDataset(20, 24, 3, seed=6)[7]["images"], a[7]["images"])


def test_shapes_shapes_dtypes_and_ranges():
    ds = ShapesDataset(8, 16, 1, seed=0, num_classes=8)
    item = ds[3]
    assert item["images"].shape == (1, 16, 16) and item["images"].dtype == torch.float32
    assert item["labels"].dtype == torch.long and 0 <= int(item["labels"]) < 8
    pixels = denormalize_pixels(item["images"])
    assert pixels.min() >= 0.0 and pixels.max() <= 1.0
    assert len(ds.class_names) == len(set(ds.class_names)) == 8
    assert len(ShapesDataset(4, 32).class_names) == 12


def test_shape_labels_are_determined_by_the_drawing():
    ds = ShapesDataset(200, 24, 3, seed=1)
    for i in range(200):
        image, label = ds.draw(i)
        shape, color = ds.classes[label]
        assert ds.caption_for(i) == f"a {color} {shape}"
        # The drawn colour is the class colour: the most saturated pixel is near it.
        saturation = image.max(0) - image.min(0)
        y, x = np.unravel_index(saturation.argmax(), saturation.shape)
        assert np.abs(image[:, y, x] - np.array(RGB_COLORS[color])).max() < 0.1
        # The shape covers a plausible fraction of the image.
        mask = np.abs(image - image[:, y, x][:, None, None]).max(0) < 0.15
        assert 0.03 < mask.mean() < 0.6


def test_shape_classes_validate_count():
    assert len(shape_classes(36, 3)) == 36
    with pytest.raises(ValueError, match="num_classes"):
        shape_classes(13, 1)


def test_build_synthetic_classification_splits_differ():
    cfg = {"image_size": 16, "channels": 3, "num_train": 50, "num_val": 10}
    train, val, info = build_datasets("classification", cfg, "synthetic", 0)
    assert (len(train), len(val), info["num_classes"]) == (50, 10, 12)
    assert info["class_names"] == train.class_names
    assert not torch.equal(train[0]["images"], val[0]["images"])


def _write_digits(root, per_class=6, classes=(0, 1, 2), suffix=".png"):
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    for c in classes:
        folder = root / f"digit_{c}"
        folder.mkdir(parents=True)
        images = digits.images[digits.target == c][:per_class]
        for i, image in enumerate(images):
            pixels = (image * 255 / 16).astype(np.uint8)
            Image.fromarray(pixels).save(folder / f"{i:03d}{suffix}")
    return digits


def test_image_folder_loads_digit_pngs(tmp_path):
    digits = _write_digits(tmp_path)
    ds = ImageFolderDataset(tmp_path, image_size=8, channels=1)
    assert ds.class_names == ["digit_0", "digit_1", "digit_2"] and len(ds) == 18
    item = ds[7]  # digit_1, second image
    assert item["images"].shape == (1, 8, 8) and int(item["labels"]) == 1
    expected = torch.from_numpy(digits.images[digits.target == 1][1] * 255 / 16)
    got = denormalize_pixels(item["images"][0]) * 255
    assert (got - expected.floor().float()).abs().max() <= 1.0
    rgb = ImageFolderDataset(tmp_path, image_size=16, channels=3)
    assert rgb[0]["images"].shape == (3, 16, 16)


def test_image_folder_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ImageFolderDataset(tmp_path / "nope", 8, 1)
    with pytest.raises(ValueError, match="no class subfolders"):
        ImageFolderDataset(tmp_path, 8, 1)
    _write_digits(tmp_path, per_class=2)
    (tmp_path / "empty_class").mkdir()
    with pytest.raises(ValueError, match="empty_class has no .png"):
        ImageFolderDataset(tmp_path, 8, 1)
    (tmp_path / "empty_class" / "broken.png").write_bytes(b"not a png at all")
    with pytest.raises(ValueError, match="broken.png"):
        ImageFolderDataset(tmp_path, 8, 1)


def test_image_folder_with_train_test_layout_and_split(tmp_path):
    _write_digits(tmp_path / "train", per_class=6)
    _write_digits(tmp_path / "test", per_class=2, classes=(0, 2))
    cfg = {"image_size": 8, "channels": 1}
    train, val, info = build_datasets("classification", cfg, str(tmp_path), 0)
    assert (len(train), len(val)) == (18, 4)
    assert info["class_names"] == ["digit_0", "digit_1", "digit_2"]
    assert sorted(int(val[i]["labels"]) for i in range(4)) == [0, 0, 2, 2]

    flat = tmp_path / "flat"
    _write_digits(flat, per_class=10)
    train, val, info = build_datasets("classification", {**cfg, "val_fraction": 0.2}, flat, 3)
    assert (len(train), len(val), info["num_classes"]) == (24, 6, 3)
    assert sorted(int(val[i]["labels"]) for i in range(6)) == [0, 0, 1, 1, 2, 2]


def test_split_indices_is_deterministic_and_stratified():
    labels = [i % 4 for i in range(40)]
    train, val = split_indices(40, 0.25, seed=0, labels=labels)
    assert (train, val) == split_indices(40, 0.25, seed=0, labels=labels)
    assert sorted(train + val) == list(range(40)) and not set(train) & set(val)
    assert [sum(labels[i] == c for i in val) for c in range(4)] == [2, 2, 2, 2]
    assert split_indices(40, 0.25, seed=1, labels=labels) != (train, val)
    plain_train, plain_val = split_indices(10, 0.3, seed=0)
    assert len(plain_val) == 3 and len(plain_train) == 7
