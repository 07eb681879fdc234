"""Video data: moving-shape clips whose labels are the drawn motion, and user clips from frame
folders and .npy arrays, with clear errors for every malformed layout."""

import numpy as np
import pytest
import torch
from PIL import Image

from metagen.data.pixels import denormalize_pixels
from metagen.data.synthetic_video import DIRECTIONS, MovingShapesDataset, motion_classes
from metagen.data.video_folder import VideoFolderDataset, frame_indices, load_clip
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)


def centroid(frame: np.ndarray) -> np.ndarray:
    """(x, y) of the shape's pixels: those far brighter than the darkest background."""
    mask = frame.min(0) > 0.5  # every channel of a shape is >= 0.55 minus jitter
    ys, xs = np.nonzero(mask)
    return np.array([xs.mean(), ys.mean()])


def test_clips_are_deterministic_per_seed_and_index() -> None:
    a, b = (
        MovingShapesDataset(20, 6, (24, 32), 3, seed=4),
        MovingShapesDataset(20, 6, (24, 32), 3, 4),
    )
    for i in (0, 9, 19):
        assert torch.equal(a[i]["videos"], b[i]["videos"]) and a[i]["labels"] == b[i]["labels"]
    other = MovingShapesDataset(20, 6, (24, 32), 3, seed=5)
    assert not torch.equal(other[9]["videos"], a[9]["videos"])
    item = a[9]
    assert item["videos"].shape == (3, 6, 24, 32) and item["videos"].dtype == torch.float32
    pixels = denormalize_pixels(item["videos"])
    assert pixels.min() >= 0.0 and pixels.max() <= 1.0


@pytest.mark.parametrize("num_classes", [8, 20])
def test_labels_are_the_drawn_motion(num_classes) -> None:
    ds = MovingShapesDataset(100, 8, (32, 32), 3, seed=1, num_classes=num_classes)
    for i in range(100):
        clip, label = ds.draw(i)
        shape, direction = ds.classes[label]
        moved = centroid(clip[:, -1]) - centroid(clip[:, 0])
        unit = np.array(DIRECTIONS[direction])
        assert moved @ unit > 0.9 * np.linalg.norm(moved) > 3.0, (i, direction, moved)
        caption = ds.caption_for(i)
        assert caption.endswith(f"moving {direction}")
        if shape is not None:
            assert f" {shape} moving" in caption


def test_motion_classes() -> None:
    assert [d for _, d in motion_classes(4)] == ["right", "left", "down", "up"]
    assert all(shape is None for shape, _ in motion_classes(8))
    pairs = motion_classes(48)
    assert len(set(pairs)) == 48 and all(shape is not None for shape, _ in pairs)
    for bad in (1, 49):
        with pytest.raises(ValueError, match="num_classes"):
            motion_classes(bad)


def test_gray_clips_and_bad_sizes() -> None:
    assert MovingShapesDataset(2, 4, (16, 16), 1)[0]["videos"].shape == (1, 4, 16, 16)
    with pytest.raises(ValueError, match="at least 16x16"):
        MovingShapesDataset(2, 4, (8, 16), 3)
    with pytest.raises(ValueError, match="at least 2"):
        MovingShapesDataset(2, 1, (16, 16), 3)


# --- user clips ---------------------------------------------------------------------------------


def write_frames(folder, frames: np.ndarray) -> None:
    folder.mkdir(parents=True)
    for k, frame in enumerate(frames):
        Image.fromarray(frame).save(folder / f"{k:03d}.png")


def moving_bar(direction: int, t: int = 6, size: int = 20) -> np.ndarray:
    """(t, size, size, 3) uint8: a white bar moving right (+1) or left (-1)."""
    frames = np.zeros((t, size, size, 3), dtype=np.uint8)
    for k in range(t):
        x = 2 + 2 * k if direction > 0 else size - 4 - 2 * k
        frames[k, :, x : x + 2] = 255
    return frames


def test_folder_of_frame_folders_and_npy_clips(tmp_path) -> None:
    write_frames(tmp_path / "left" / "clip_a", moving_bar(-1))
    np.save(tmp_path / "left" / "clip_b.npy", moving_bar(-1, t=9)[..., :1])  # gray, 9 frames
    write_frames(tmp_path / "right" / "clip_a", moving_bar(1))
    np.save(tmp_path / "right" / "clip_b.npy", moving_bar(1).astype(np.float32) / 255)
    ds = VideoFolderDataset(tmp_path, num_frames=4, resolution=[16, 24], channels=3)
    assert ds.class_names == ["left", "right"] and ds.labels == [0, 0, 1, 1]
    for i in range(4):
        item = ds[i]
        assert item["videos"].shape == (3, 4, 16, 24) and int(item["labels"]) == ds.labels[i]
    # The npy float clip and the PNG frames of the same bar load to the same pixels.
    torch.testing.assert_close(ds[2]["videos"], ds[3]["videos"], atol=0.02, rtol=0)


def test_frames_are_sampled_evenly_over_the_clip() -> None:
    assert frame_indices(9, 4).tolist() == [0, 3, 5, 8]
    assert frame_indices(3, 5).tolist() == [0, 0, 1, 2, 2]  # short clips repeat frames
    clip = np.arange(10, dtype=np.uint8)[:, None, None, None] * np.ones((1, 4, 4, 1), np.uint8)
    assert load_clip_from(clip, 3)[:, 0, 0, 0].tolist() == [0, 4, 9]


def load_clip_from(array: np.ndarray, num_frames: int) -> np.ndarray:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.npy"
        np.save(path, array)
        return load_clip(path, num_frames, [4, 4], channels=1)


def test_builder_reads_train_and_test_splits(tmp_path) -> None:
    for split in ("train", "test"):
        for name, direction in (("left", -1), ("right", 1)):
            folder = _mkdir(tmp_path / split / name)
            for k in range(2):
                np.save(folder / f"{k}.npy", moving_bar(direction))
    cfg = {"kind": "video", "num_frames": 4, "resolution": [16, 16], "channels": 1}
    train, val, info = build_datasets("classification", cfg, str(tmp_path), 0)
    assert (len(train), len(val), info["num_classes"], info["kind"]) == (4, 4, 2, "video")
    assert train[0]["videos"].shape == (1, 4, 16, 16)


def _mkdir(path):
    path.mkdir(parents=True)
    return path


def test_synthetic_builder_splits_differ() -> None:
    cfg = {
        "kind": "video",
        "num_frames": 4,
        "resolution": [16, 16],
        "channels": 3,
        "num_classes": 8,
        "num_train": 30,
        "num_val": 10,
    }
    train, val, info = build_datasets("classification", cfg, "synthetic", 0)
    assert (len(train), len(val), info["num_classes"]) == (30, 10, 8)
    assert not torch.equal(train[0]["videos"], val[0]["videos"])


def _bad_layouts(root):
    """name -> (make the layout under root, words the error must contain)."""

    def empty_class():
        (root / "a").mkdir(parents=True)

    def empty_clip():
        (root / "a" / "clip").mkdir(parents=True)

    def corrupt_frame():
        (root / "a" / "clip").mkdir(parents=True)
        (root / "a" / "clip" / "000.png").write_bytes(b"not a png")

    def bad_shape():
        _mkdir(root / "a")
        np.save(root / "a" / "x.npy", np.zeros((4, 8), np.uint8))

    def bad_dtype():
        _mkdir(root / "a")
        np.save(root / "a" / "x.npy", np.zeros((2, 8, 8, 3), np.int64))

    def no_frames():
        _mkdir(root / "a")
        np.save(root / "a" / "x.npy", np.zeros((0, 8, 8, 3), np.uint8))

    def not_npy():
        _mkdir(root / "a")
        (root / "a" / "x.npy").write_text("hello")

    def no_classes():
        root.mkdir(parents=True)

    return {
        "missing": (lambda: None, ["does not exist"]),
        "no_classes": (no_classes, ["no class subfolders"]),
        "empty_class": (empty_class, ["has no clips"]),
        "empty_clip": (empty_clip, ["no .png/.jpg/.jpeg frames"]),
        "corrupt_frame": (corrupt_frame, ["corrupt or unreadable image"]),
        "bad_shape": (bad_shape, ["has shape (4, 8)", "frames, height, width"]),
        "bad_dtype": (bad_dtype, ["dtype int64", "uint8"]),
        "no_frames": (no_frames, ["has no frames"]),
        "not_npy": (not_npy, ["cannot read clip"]),
    }


@pytest.mark.parametrize("layout", list(_bad_layouts(__import__("pathlib").Path("x"))))
def test_bad_layouts_are_clear_errors(tmp_path, layout) -> None:
    root = tmp_path / "clips"
    make, words = _bad_layouts(root)[layout]
    make()
    with pytest.raises((ValueError, FileNotFoundError)) as error:
        VideoFolderDataset(root, 4, [8, 8])
    message = str(error.value)
    assert all(w in message for w in words), message
    assert str(root) in message


def test_float_pixels_out_of_range_are_a_clear_error(tmp_path) -> None:
    path = tmp_path / "clip.npy"
    np.save(path, np.full((2, 8, 8, 3), 2.0, np.float32))
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        load_clip(path, 2, [8, 8], 3)


def test_held_out_classes_must_be_in_train(tmp_path) -> None:
    np.save(_mkdir(tmp_path / "train" / "left") / "a.npy", moving_bar(-1))
    np.save(_mkdir(tmp_path / "test" / "up") / "a.npy", moving_bar(1))
    cfg = {"kind": "video", "num_frames": 4, "resolution": [16, 16], "channels": 3}
    with pytest.raises(ValueError, match="that the training split lacks"):
        build_datasets("classification", cfg, str(tmp_path), 0)
