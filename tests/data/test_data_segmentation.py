"""Segmentation data: the synthetic scenes (deterministic, labels that match the drawing, class
counts in step with the planner) and the image+mask folder loader with its located errors."""

import numpy as np
import pytest
import torch
from PIL import Image

from metagen.data.pixels import denormalize_pixels
from metagen.data.segmentation_folder import SegmentationFolder, resize_id_map
from metagen.data.synthetic_images import RGB_COLORS
from metagen.data.synthetic_scenes import SCENE_STUFF, SceneSegmentationDataset, scene_capacity
from metagen.handlers.tasks.segmentation_plan import SCENE_SHAPE_CLASSES, SCENE_STUFF_CLASSES
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)


def test_scenes_are_deterministic_and_splits_differ():
    a, b = SceneSegmentationDataset(10, 32, 3, 4, 5), SceneSegmentationDataset(10, 32, 3, 4, 5)
    for i in (0, 9):
        assert torch.equal(a[i]["images"], b[i]["images"])
        assert torch.equal(a[i]["targets"], b[i]["targets"])
    other = SceneSegmentationDataset(10, 32, 3, 5, 5)
    assert not torch.equal(other[0]["targets"], a[0]["targets"])


def test_semantic_labels_are_the_drawn_shapes():
    ds = SceneSegmentationDataset(100, 48, 3, 0, 7)
    seen = set()
    for i in range(100):
        image, classes, instances = ds.draw(i)
        assert classes.shape == (48, 48) and classes.dtype == np.int64
        assert 0.5 < (classes == 0).mean() < 1.0  # mostly background, at least one shape
        for c in np.unique(classes[classes > 0]):
            shape, color = ds.shapes[c - 1]
            pixels = image[:, classes == c]  # (3, n): the class colour, within the jitter
            assert np.abs(pixels.mean(1) - np.array(RGB_COLORS[color])).max() < 0.1
            seen.add(int(c))
        # the instances partition the shape pixels
        assert np.array_equal(instances > 0, classes > 0)
        assert instances.max() <= 3
    assert seen == set(range(1, 7))


def test_panoptic_scenes_have_stuff_bands_and_whole_instances():
    ds = SceneSegmentationDataset(60, 64, 1, 1, 6, panoptic=True)
    assert ds.class_names[:2] == list(SCENE_STUFF) and ds.thing_classes == [2, 3, 4, 5]
    for i in range(60):
        item = ds[i]
        classes, instances = item["targets"]
        assert item["targets"].shape == (2, 64, 64)
        assert set(classes[instances == 0].unique().tolist()) <= {0, 1}  # stuff: sky, ground
        for instance in instances.unique().tolist():
            if instance:  # one class per instance
                assert classes[instances == instance].unique().numel() == 1
        pixels = denormalize_pixels(item["images"])[0]
        sky, ground = pixels[(classes == 0)], pixels[(classes == 1)]
        if sky.numel() and ground.numel():
            assert sky.mean() > ground.mean() + 0.15


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("kind", ["semantic", "panoptic"])
def test_planner_capacity_matches_the_data(channels, kind):
    planned = SCENE_SHAPE_CLASSES[channels] + SCENE_STUFF_CLASSES[kind]
    assert planned == scene_capacity(channels, kind == "panoptic")
    SceneSegmentationDataset(2, 16, channels, 0, planned, panoptic=kind == "panoptic")
    with pytest.raises(ValueError, match="num_classes"):
        SceneSegmentationDataset(2, 16, channels, 0, planned + 1, panoptic=kind == "panoptic")


def write_png(path, array) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path)


def make_folder(root, n=6, size=(20, 24), classes=4):
    rng = np.random.default_rng(0)
    for i in range(n):
        write_png(root / "images" / f"s{i}.png", rng.integers(0, 255, (*size, 3)))
        write_png(root / "masks" / f"s{i}.png", rng.integers(0, classes, size))
    return root


def test_folder_loads_resized_images_and_nearest_masks(tmp_path):
    root = make_folder(tmp_path / "data")
    ds = SegmentationFolder(root, 16, 3, 4)
    item = ds[2]
    assert item["images"].shape == (3, 16, 16) and item["targets"].shape == (16, 16)
    mask = np.array(Image.open(root / "masks" / "s2.png")).astype(np.int64)
    assert torch.equal(item["targets"], torch.from_numpy(resize_id_map(mask, 16)))
    assert set(item["targets"].unique().tolist()) <= set(np.unique(mask).tolist())
    cfg = {"image_size": 16, "channels": 3, "num_classes": 4, "val_fraction": 0.34}
    train, val, info = build_datasets("semantic_segmentation", cfg, str(root), 0)
    assert (len(train), len(val), info["num_classes"]) == (4, 2, 4)


def test_folder_with_train_and_val_splits(tmp_path):
    make_folder(tmp_path / "train", n=3)
    make_folder(tmp_path / "val", n=2)
    cfg = {"image_size": 16, "channels": 1, "num_classes": 4}
    train, val, info = build_datasets("semantic_segmentation", cfg, str(tmp_path), 0)
    assert (len(train), len(val)) == (3, 2) and train[0]["images"].shape == (1, 16, 16)


def test_missing_mask_names_the_image(tmp_path):
    root = make_folder(tmp_path / "data")
    (root / "masks" / "s4.png").unlink()
    with pytest.raises(ValueError, match=r"s4\.png has no mask: expected .*masks/s4\.png"):
        SegmentationFolder(root, 16, 3, 4)


def test_size_mismatch_names_both_files(tmp_path):
    root = make_folder(tmp_path / "data")
    write_png(root / "masks" / "s1.png", np.zeros((10, 24)))
    with pytest.raises(ValueError, match=r"mask .*s1\.png is 24x10 but image .*s1\.png is 24x20"):
        SegmentationFolder(root, 16, 3, 4)


def test_class_id_out_of_range_says_how_to_fix(tmp_path):
    root = make_folder(tmp_path / "data")
    bad = np.zeros((20, 24))
    bad[3, 3] = 9
    write_png(root / "masks" / "s0.png", bad)
    with pytest.raises(
        ValueError,
        match=r"s0\.png has class id 9, but task.num_classes is 4 "
        r".*at least 10",
    ):
        SegmentationFolder(root, 16, 3, 4)


def test_colour_mask_and_missing_folders_are_errors(tmp_path):
    root = make_folder(tmp_path / "data")
    write_png(root / "masks" / "s3.png", np.zeros((20, 24, 3)))
    with pytest.raises(ValueError, match=r"s3\.png is a RGB image; write one id per pixel"):
        SegmentationFolder(root, 16, 3, 4)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no images or masks folder"):
        SegmentationFolder(tmp_path / "empty", 16, 3, 4)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        SegmentationFolder(tmp_path / "nowhere", 16, 3, 4)
    with pytest.raises(ValueError, match="no instances folder"):
        SegmentationFolder(make_folder(tmp_path / "pan"), 16, 3, 4, panoptic=True)


def test_panoptic_folder_reads_instances_and_finds_the_thing_classes(tmp_path):
    root = tmp_path / "pan"
    scenes = SceneSegmentationDataset(5, 32, 3, 2, 6, panoptic=True)
    for i in range(5):
        image, classes, instances = scenes.draw(i)
        write_png(root / "images" / f"p{i}.png", (image.transpose(1, 2, 0) * 255).round())
        write_png(root / "masks" / f"p{i}.png", classes)
        write_png(root / "instances" / f"p{i}.png", instances)
    cfg = {"image_size": 32, "channels": 3, "num_classes": 6, "val_fraction": 0.4}
    train, val, info = build_datasets("panoptic_segmentation", cfg, str(root), 0)
    drawn = {int(c) for i in range(5) for c in np.unique(scenes.draw(i)[1]) if c >= 2}
    assert info["thing_classes"] == sorted(drawn) == info["fit_dims"]["thing_classes"]
    item = train[0]
    assert item["targets"].shape == (2, 32, 32)
    assert torch.equal(item["targets"], scenes[train.indices[0]]["targets"])
    (root / "instances" / "p3.png").unlink()
    with pytest.raises(ValueError, match=r"p3\.png has no instance map: expected"):
        build_datasets("panoptic_segmentation", cfg, str(root), 0)
    for i in range(5):
        write_png(root / "instances" / f"p{i}.png", np.zeros((32, 32)))
    with pytest.raises(ValueError, match="has no instances"):
        build_datasets("panoptic_segmentation", cfg, str(root), 0)
