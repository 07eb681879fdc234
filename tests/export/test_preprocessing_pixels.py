"""preprocessing.json's pixel pipeline says how the run made its pictures square: padded,
keeping the aspect ratio (image classification), or stretched (a data config without resize:
detection, segmentation, runs from before)."""

import json

import pytest
from tests.paths import EXAMPLES

from metagen.data.image_folder import PAD_LEVEL
from metagen.export.preprocessing import write_preprocessing
from metagen.spec import load_spec
from metagen.synthesis import synthesize


@pytest.fixture(scope="module")
def digits_config(tmp_path_factory) -> dict:
    parent = tmp_path_factory.mktemp("digits")
    run = synthesize(load_spec(EXAMPLES / "image" / "digits_cnn.yaml"), parent, "digits")
    return json.loads((run / "code" / "config.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("resize", "words"),
    [
        ("pad", ["longer side is image_size", "keeping its aspect ratio", f"gray {PAD_LEVEL}"]),
        ("stretch", ["to image_size square, each side on its own"]),
        (None, ["to image_size square, each side on its own"]),
    ],
)
def test_the_pixel_words_follow_the_runs_resize(digits_config, tmp_path, resize, words) -> None:
    scale = digits_config["scales"]["smoke"]
    data_cfg = {**scale["data"], **({"resize": resize} if resize else {})}
    path = write_preprocessing(tmp_path, digits_config["arch"], scale["model"], data_cfg)
    pixels = json.loads(path.read_text(encoding="utf-8"))["pixels"]
    assert pixels.startswith("RGB (or gray, channels 1) resized (bilinear)")
    assert all(word in pixels for word in words), pixels
    assert pixels.endswith("scaled to [0, 1], then (x - 0.5) / 0.5")
    assert ("aspect ratio" in pixels) == (resize == "pad")
