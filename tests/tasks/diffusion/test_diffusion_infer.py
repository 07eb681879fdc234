"""The generated infer.py of a diffusion model (issue 16): each request draws one picture (a
PNG at the model's size) or one clip (a GIF of its frames, and the frames as PNGs), and its
row names the file, the caption and the seed. A request's picture is the same whatever the
batch around it; another seed draws another; a bad request is one line and exit status 2."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained, jsonl_rows, run_infer

STEPS = "2"  # DDIM steps: the pictures' content is not what is checked here


@pytest.fixture(scope="module")
def image_run(tmp_path_factory):
    return briefly_trained(
        EXAMPLES / "image" / "small_diffusion.yaml", tmp_path_factory.mktemp("d")
    )


def infer(run: Path, *args: str) -> subprocess.CompletedProcess:
    return run_infer(run, "--steps", STEPS, *args)


def test_each_request_draws_its_own_png_whatever_its_batch(image_run, tmp_path) -> None:
    requests = tmp_path / "requests.jsonl"
    lines = [{"caption": "a red circle", "seed": 1}, {"caption": "a red circle", "seed": 2},
             {"text": "a blue square"}]  # fmt: skip
    requests.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    (tmp_path / "alone.txt").write_text("a red circle\n", encoding="utf-8")
    together = tmp_path / "together.jsonl"
    done = infer(image_run, str(requests), str(tmp_path / "alone.txt"), "--out", str(together),
                 "--batch-size", "4", "--seed", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = jsonl_rows(together)
    assert [r["input"] for r in rows] == [f"{requests}:1", f"{requests}:2", f"{requests}:3",
                                          str(tmp_path / "alone.txt")]  # fmt: skip
    # a row without a seed takes --seed plus its row's number less one; a .txt takes --seed
    assert [r["seed"] for r in rows] == [1, 2, 3, 1]
    assert [r["caption"] for r in rows] == ["a red circle", "a red circle", "a blue square",
                                            "a red circle"]  # fmt: skip
    metrics = json.loads((image_run / "train" / "smoke" / "metrics.json").read_text())
    size = metrics["model_dims"]["image_size"]
    for row in rows:
        assert row["image"].startswith(str(tmp_path / "together_files"))
        with Image.open(row["image"]) as image:
            assert image.size == (size, size) and image.mode == "RGB"
            assert np.asarray(image).std() > 0
    pictures = [Path(r["image"]).read_bytes() for r in rows]
    assert pictures[0] != pictures[1]  # another seed, another picture
    assert pictures[0] == pictures[3]  # the same caption and seed, the same picture
    # row 2 again, alone in a batch of one: the same bytes
    again = tmp_path / "again.jsonl"
    single = tmp_path / "single.jsonl"
    single.write_text(json.dumps(lines[1]) + "\n", encoding="utf-8")
    done = infer(image_run, str(single), "--out", str(again), "--batch-size", "1")
    assert done.returncode == 0, done.stderr
    assert Path(jsonl_rows(again)[0]["image"]).read_bytes() == pictures[1]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"seed": 3}\n', "no caption; give the request a caption"),
        ('{"caption": "a red circle", "seed": "three"}\n', "seed 'three' is not a whole number"),
        ("not json\n", "line 1 is not JSON"),
    ],
)
def test_a_bad_request_is_one_line_naming_it(image_run, tmp_path, text, said) -> None:
    requests = tmp_path / "bad.jsonl"
    requests.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = infer(image_run, str(requests), "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert str(requests) in line and said in line, line
    assert not out.exists() and not (tmp_path / "out_files").exists()


@pytest.mark.slow
def test_a_video_request_writes_a_gif_and_its_frames(tmp_path) -> None:
    run = briefly_trained(EXAMPLES / "video" / "small_video_diffusion.yaml", tmp_path)
    (tmp_path / "clip.txt").write_text("a red circle moving left", encoding="utf-8")
    out = tmp_path / "clips.csv"
    done = infer(run, str(tmp_path / "clip.txt"), "--out", str(out), "--frames", "--seed", "4")
    assert done.returncode == 0, done.stderr
    [row] = csv.DictReader(out.read_text(encoding="utf-8").splitlines())
    dims = json.loads((run / "train" / "smoke" / "metrics.json").read_text())["model_dims"]
    height, width = dims["resolution"]
    with Image.open(row["video"]) as gif:
        assert gif.n_frames == dims["num_frames"] == int(row["num_frames"])
        assert gif.size == (width, height)
    frames = sorted((tmp_path / "clips_files").glob("*_frames/*.png"))
    assert len(frames) == dims["num_frames"] and row["frames"] == str(frames[0].parent)
    assert np.stack([np.asarray(Image.open(p)) for p in frames]).std() > 0
    assert row["caption"] == "a red circle moving left" and row["seed"] == "4"
