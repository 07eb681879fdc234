"""Video models through `metagen train --scale smoke` and the generated infer.py (slow: about a
minute each on two idle cores)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

from metagen.data.synthetic_video import MovingShapesDataset

pytestmark = pytest.mark.slow

VIDEO = EXAMPLES / "video"


def write_probe_clips(folder) -> tuple:
    """One held-out synthetic clip as a .npy (T, H, W, C) array and as a folder of PNG frames."""
    clip, _ = MovingShapesDataset(1, 12, (40, 40), 3, seed=123).draw(0)  # (C, T, H, W)
    frames = (clip.transpose(1, 2, 3, 0) * 255).round().astype(np.uint8)  # (T, H, W, C)
    npy = folder / "probe.npy"
    np.save(npy, frames)
    frame_dir = folder / "probe_frames"
    frame_dir.mkdir()
    for k, frame in enumerate(frames):
        Image.fromarray(frame).save(frame_dir / f"{k:03d}.png")
    return npy, frame_dir


@pytest.mark.parametrize("family", ["transformer", "cnn"])
def test_video_classifier_beats_twice_chance(family, tmp_path) -> None:
    spec = VIDEO / f"video_classifier_{family}.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", family
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / family / "train" / "smoke"
    metrics, info = read_json(run / "metrics.json"), read_json(run / "data_info.json")
    assert info["kind"] == "video" and info["num_val"] >= 500
    assert metrics["eval"]["accuracy"] >= 2 / info["num_classes"]
    npy, frame_dir = write_probe_clips(tmp_path)
    listed = tmp_path / "clips.jsonl"  # a folder of frames is named by a list
    listed.write_text(json.dumps({"video": frame_dir.name}) + "\n", encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    run_script(tmp_path / family / "code", "infer.py", "--checkpoint", str(run), str(npy),
               str(listed), "--out", str(predictions))  # fmt: skip
    rows = [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]
    assert [row["input"] for row in rows] == [str(npy), str(frame_dir)]
    for row in rows:
        assert row["label"] in info["class_names"] and set(row["top"]) <= set(info["class_names"])
    assert rows[0]["label"] == rows[1]["label"]  # the same frames, read either way


def test_video_diffusion_learns_and_writes_a_gif(tmp_path) -> None:
    spec = VIDEO / "small_video_diffusion.yaml"
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "vd"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "vd" / "train" / "smoke"
    metrics = read_json(run / "metrics.json")
    # The held-out denoising error beats always predicting zero noise.
    assert metrics["eval"]["loss"] < 0.9 * metrics["eval"]["zero_noise_mse"]
    dims = metrics["model_dims"]
    request = tmp_path / "request.txt"
    request.write_text("a red circle moving left", encoding="utf-8")
    predictions = tmp_path / "clips.jsonl"
    out = run_script(tmp_path / "vd" / "code", "infer.py", "--checkpoint", str(run), "--steps",
                     "5", str(request), "--out", str(predictions), "--frames")  # fmt: skip
    assert "wrote" in out.stderr
    row = json.loads(predictions.read_text(encoding="utf-8"))
    gif, frames = row["video"], tmp_path / row["frames"]  # absolute, as --out is
    with Image.open(gif) as image:
        assert image.n_frames == dims["num_frames"]
        assert image.size == (dims["resolution"][1], dims["resolution"][0])
    pngs = sorted(frames.glob("*.png"))
    assert len(pngs) == dims["num_frames"]
    pixels = np.stack([np.asarray(Image.open(p)) for p in pngs])
    assert pixels.std() > 0  # a clip, not a constant
