"""Damaged images are refused when a dataset loads, by every reader of user images: a JPEG cut
short passes PIL's verify (which reads a PNG to its end but not a JPEG) and used to fail at its
first decode, mid-training. PIL's full decode is the reference for what is whole."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image
from tests.data.rejected_runs import synth_package, train_refuses

from metagen.data.image_folder import verified_image_size
from metagen.tasks.runtime import build_datasets

SIZE = 16
IMAGE = {"kind": "image", "image_size": SIZE, "channels": 3, "val_fraction": 0.25}
VIDEO = {"kind": "video", "num_frames": 2, "resolution": [SIZE, SIZE], "channels": 3}
CAPTIONS = {"kind": "image_text", "image_size": SIZE, "channels": 3, "seq_len": 16}
DETECTION = {**IMAGE, "num_classes": 2, "with_masks": False}
SEGMENTATION = {**IMAGE, "num_classes": 3}
DIFFUSION = {
    **IMAGE,
    "num_timesteps": 10,
    "beta_schedule": "linear",
    "caption_length": 8,
    "text_conditioning": True,
    "noised_samples": 8,
}


def jpeg_bytes(size: int = 48, **options) -> bytes:
    pixels = np.random.default_rng(0).integers(0, 255, (size, size, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def with_end_marker_in_headers(data: bytes) -> bytes:
    """An APP2 segment before the scan that holds an end-of-image marker, as an EXIF
    thumbnail does: finding that marker must not count as the image's end."""
    payload = b"thumbnail\xff\xd8\x00\xff\xd9"
    return data[:2] + b"\xff\xe2" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def pil_decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except OSError:
        return False
    return True


def variants() -> dict[str, bytes]:
    whole, progressive = jpeg_bytes(), jpeg_bytes(progressive=True)
    headed = with_end_marker_in_headers(whole)
    png = io.BytesIO()
    Image.fromarray(np.zeros((48, 48), np.uint8) + 100).save(png, format="PNG")
    return {
        "jpeg": whole,
        "progressive": progressive,
        "trailing_bytes": whole + b"camera trailer",
        "headed": headed,
        "jpeg_cut_half": whole[: len(whole) // 2],
        "jpeg_cut_end_marker": whole[:-2],
        "progressive_cut": progressive[: len(progressive) * 3 // 4],
        "headed_cut": headed[: len(headed) // 2],
        "png": png.getvalue(),
        "png_cut": png.getvalue()[: len(png.getvalue()) // 2],
    }


@pytest.mark.parametrize("name", list(variants()))
def test_the_check_agrees_with_a_full_decode(tmp_path, name):
    data = variants()[name]
    path = tmp_path / ("a.png" if name.startswith("png") else "a.jpg")
    path.write_bytes(data)
    whole = pil_decodes(data)
    assert whole == ("cut" not in name)  # the cases are what their names say
    if whole:
        assert verified_image_size(path) == (48, 48)
    else:
        with pytest.raises(Exception):  # noqa: B017 - PIL's or our OSError, the readers word it
            verified_image_size(path)


def cut_jpeg(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = jpeg_bytes()
    path.write_bytes(data[: len(data) // 2])


def png(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(len(str(path))).integers(0, 255, (SIZE, SIZE, 3), np.uint8)
    Image.fromarray(pixels).save(path)


def class_folders(root):
    for name in ("a", "b"):
        for i in range(3):
            png(root / name / f"{i}.png")
    bad = root / "a" / "bad.jpg"
    cut_jpeg(bad)
    return root, bad


def caption_file(root):
    lines = []
    for i in range(4):
        png(root / "images" / f"{i}.png")
        lines.append({"image": f"images/{i}.png", "caption": f"picture {i}"})
    cut_jpeg(root / "images" / "bad.jpg")
    lines.append({"image": "images/bad.jpg", "caption": "cut"})
    (root / "pairs.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return root / "pairs.jsonl", root / "images" / "bad.jpg"


def coco_file(root):
    images, objects = [], []
    for i in range(4):
        name = "bad.jpg" if i == 0 else f"{i}.png"
        cut_jpeg(root / name) if i == 0 else png(root / name)
        size = 48 if i == 0 else SIZE
        images.append({"id": i, "file_name": name, "width": size, "height": size})
        objects.append({"id": i, "image_id": i, "category_id": 1, "bbox": [1, 1, 8, 8]})
    categories = [{"id": 1, "name": "thing"}, {"id": 2, "name": "other"}]
    doc = {"images": images, "annotations": objects, "categories": categories}
    (root / "coco.json").write_text(json.dumps(doc))
    return root / "coco.json", root / "bad.jpg"


def segmentation_folder(root):
    for i in range(4):
        name = "bad" if i == 0 else str(i)
        cut_jpeg(root / "images" / f"{name}.jpg") if i == 0 else png(root / "images" / f"{i}.png")
        size = 48 if i == 0 else SIZE
        (root / "masks").mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.full((size, size), i % 3, np.uint8)).save(root / "masks" / f"{name}.png")
    return root, root / "images" / "bad.jpg"


def video_folder(root):
    for name in ("a", "b"):
        for clip in range(2):
            for frame in range(2):
                png(root / name / f"clip{clip}" / f"{frame}.png")
    cut_jpeg(root / "a" / "clip0" / "9.jpg")
    return root, root / "a" / "clip0" / "9.jpg"


READERS = {
    "image_classification": ("classification", IMAGE, class_folders),
    "image_diffusion": ("diffusion", DIFFUSION, class_folders),
    "contrastive_captions": ("contrastive", CAPTIONS, caption_file),
    "vlm_captions": ("vlm", CAPTIONS, caption_file),
    "coco_detection": ("dense_detection", DETECTION, coco_file),
    "semantic_segmentation": ("semantic_segmentation", SEGMENTATION, segmentation_folder),
    "video_classification": ("classification", VIDEO, video_folder),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_a_cut_jpeg_is_refused_when_the_data_loads(tmp_path, reader):
    task, cfg, write = READERS[reader]
    source, bad = write(tmp_path / "data")
    with pytest.raises(ValueError) as error:
        build_datasets(task, cfg, str(source), seed=0)
    message = str(error.value)
    assert str(bad) in message and "cut short" in message, message
    assert "\n" not in message


def test_train_py_refuses_a_cut_jpeg_before_training(tmp_path):
    code = synth_package("image/shapes_cnn.yaml", tmp_path / "package")
    root, bad = class_folders(tmp_path / "data")
    error = train_refuses(code, root, tmp_path / "out")
    assert str(bad) in error and "cut short" in error, error
