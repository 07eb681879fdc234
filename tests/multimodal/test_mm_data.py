"""Image-caption data: synthetic shapes with captions that name what was drawn, and JSONL
pairs with errors that name the file, the line and the fix."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from metagen.data.image_captions import (
    CAPTION_IGNORE_INDEX,
    ShapeCaptions,
    caption_token_ids,
    read_caption_jsonl,
)
from metagen.data.synthetic_images import ShapesDataset
from metagen.data.synthetic_text import unigram_entropy_nats
from metagen.data.tokenizer import ByteTokenizer
from metagen.tasks.runtime import build_datasets

torch.set_num_threads(1)
TOKENIZER = ByteTokenizer()
CFG = {
    "image_size": 16,
    "channels": 3,
    "seq_len": 24,
    "num_classes": 36,
    "num_train": 40,
    "num_val": 30,
}


def write_png(path, value=0, size=12, mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = 3 if mode == "RGB" else 1
    pixels = np.full((size, size, channels), value, dtype=np.uint8).squeeze()
    Image.fromarray(pixels, mode=mode).save(path)
    return path


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_caption_ids_are_bos_bytes_eos_then_padding():
    ids = caption_token_ids("a cat", 10, TOKENIZER)
    assert ids == [256, *b"a cat", 257, 258, 258, 258]
    cut = caption_token_ids("a very long caption", 6, TOKENIZER)
    assert cut == [256, *b"a ve", 257]  # eos still fits
    with pytest.raises(ValueError, match="seq_len"):
        caption_token_ids("a", 2, TOKENIZER)


def test_synthetic_captions_describe_the_drawn_image():
    shapes = ShapesDataset(20, 16, 3, seed=3, num_classes=36)
    pairs = ShapeCaptions(shapes)
    for i in range(20):
        image, caption = pairs.pair(i)
        drawn, label = shapes.draw(i)
        assert caption == "a " + shapes.class_names[label] == pairs.caption(i)
        torch.testing.assert_close(image, torch.from_numpy(drawn) * 2 - 1)


@pytest.mark.parametrize("task", ["contrastive", "vlm"])
def test_synthetic_builders_give_batches_and_a_baseline(task):
    train, val, info = build_datasets(task, CFG, "synthetic", seed=0)
    assert (len(train), len(val)) == (40, 30)
    item = val[0]
    assert item["images"].shape == (3, 16, 16)
    caption = ShapeCaptions(ShapesDataset(30, 16, 3, seed=1, num_classes=36)).caption(0)
    ids = caption_token_ids(caption, 24, TOKENIZER)
    if task == "contrastive":
        assert set(item) == {"images", "input_ids"}
        assert item["input_ids"].tolist() == ids
    else:
        assert set(item) == {"images", "input_ids", "targets"}
        assert item["input_ids"].tolist() == ids[:-1]
        expected = [t if t != TOKENIZER.pad_id else CAPTION_IGNORE_INDEX for t in ids[1:]]
        assert item["targets"].tolist() == expected
    targets = [
        t
        for i in range(30)
        for t in caption_token_ids(val.pairs.caption(i), 24, TOKENIZER)[1:]
        if t != 258
    ]
    assert info["caption_unigram_entropy_nats"] == pytest.approx(unigram_entropy_nats(targets))
    assert info["num_distinct_val_captions"] <= 30 and info["val_captions_cut"] == 0


def test_jsonl_file_is_split_and_read(tmp_path):
    records = [{"image": f"img/{i}.png", "caption": f"shade {i}"} for i in range(10)]
    for i in range(10):
        write_png(tmp_path / "img" / f"{i}.png", value=20 * i)
    source = write_jsonl(tmp_path / "pairs.jsonl", records)
    train, val, info = build_datasets("vlm", {**CFG, "val_fraction": 0.2}, str(source), seed=0)
    assert (len(train), len(val)) == (8, 2)
    captions = {train.pairs.caption(i) for i in range(8)} | {val.pairs.caption(i) for i in range(2)}
    assert captions == {r["caption"] for r in records}
    item = train[0]
    assert item["images"].shape == (3, 16, 16) and item["input_ids"].shape == (23,)
    assert info["source"] == str(source)


def test_folder_with_train_and_val_files(tmp_path):
    write_png(tmp_path / "a.png", mode="L")
    write_png(tmp_path / "b.png")
    write_jsonl(tmp_path / "train.jsonl", [{"image": "a.png", "caption": "dark"}] * 3)
    write_jsonl(tmp_path / "val.jsonl", [{"image": str(tmp_path / "b.png"), "caption": "b"}])
    train, val, _ = build_datasets("contrastive", {**CFG, "channels": 1}, str(tmp_path), 0)
    assert (len(train), len(val)) == (3, 1)
    assert val[0]["images"].shape == (1, 16, 16)


BAD_LINES = {
    "not_json": ('{"image": "a.png", "caption": ', "line 2: not valid JSON"),
    "not_object": ("[1, 2]", "line 2: expected an object, got list"),
    "missing_caption": ('{"image": "a.png"}', "line 2: missing 'caption'"),
    "empty_caption": ('{"image": "a.png", "caption": "  "}', '"caption" must be non-empty'),
    "image_not_text": ('{"image": 3, "caption": "x"}', '"image" must be a file path'),
    "missing_image": ('{"image": "nope.png", "caption": "x"}', "line 2: image"),
}


@pytest.mark.parametrize(("line", "message"), BAD_LINES.values(), ids=BAD_LINES)
def test_bad_lines_name_the_file_and_line(tmp_path, line, message):
    write_png(tmp_path / "a.png")
    source = tmp_path / "pairs.jsonl"
    source.write_text('{"image": "a.png", "caption": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises((ValueError, FileNotFoundError)) as info:
        read_caption_jsonl(source)
    assert str(source) in str(info.value) and message in str(info.value)


def test_missing_empty_and_corrupt_sources_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build_datasets("contrastive", CFG, str(tmp_path / "none.jsonl"))
    with pytest.raises(FileNotFoundError, match="has no train.jsonl"):
        build_datasets("contrastive", CFG, str(tmp_path))
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no pairs"):
        build_datasets("contrastive", CFG, str(tmp_path / "empty.jsonl"))
    (tmp_path / "bad.png").write_bytes(b"not a png")
    write_jsonl(tmp_path / "c.jsonl", [{"image": "bad.png", "caption": "x"}] * 4)
    with pytest.raises(ValueError, match="corrupt or unreadable image .*bad.png"):
        build_datasets("contrastive", CFG, str(tmp_path / "c.jsonl"))
