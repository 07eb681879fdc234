"""`metagen explain` end to end on briefly trained runs of the shapes examples: an overlay PNG
and a raw map per picture, and bad input (a corrupt picture, an arch it does not explain,
--text off CLIP, no run) refused in one line with exit status 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import METAGEN
from tests.paths import EXAMPLES
from tests.predict.trained_runs import briefly_trained

from metagen.data.synthetic_images import ShapesDataset
from metagen.explain.explainers import EXPLAINERS
from metagen.explain.overlay import MIN_SIDE

PICTURES = 3
METHOD = {"shapes_vit": "rollout", "shapes_cnn": "gradcam"}


def _explain(*args) -> subprocess.CompletedProcess:
    return subprocess.run([METAGEN, "explain", *map(str, args)], capture_output=True, text=True,
                          timeout=600)  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    parent = tmp_path_factory.mktemp("runs")
    return {name: briefly_trained(EXAMPLES / "image" / f"{name}.yaml", parent) for name in METHOD}


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Drawn shapes at 48 pixels, another size than the runs train at."""
    folder = tmp_path_factory.mktemp("pictures")
    shapes = ShapesDataset(PICTURES, image_size=48, seed=7)
    for i in range(PICTURES):
        pixels = (shapes.draw(i)[0].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"shape{i}.png")
    return folder


@pytest.mark.parametrize("name", METHOD)
def test_explain_writes_an_overlay_and_a_map_per_picture(runs, pictures, name, tmp_path):
    out = tmp_path / "maps"
    done = _explain(runs[name], pictures, "--out", out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr  # the one-line summary
    rows = [json.loads(line) for line in (out / "explain.jsonl").read_text().splitlines()]
    assert sorted(row["picture"] for row in rows) == sorted(str(p) for p in pictures.iterdir())
    for row in rows:
        assert row["method"] == METHOD[name] and row["note"].startswith("class ")
        heat = np.load(out / row["map"])
        assert heat.ndim == 2 and heat.shape[0] == heat.shape[1] and np.isfinite(heat).all()
        with Image.open(out / row["overlay"]) as overlay:
            assert overlay.format == "PNG" and overlay.size == (MIN_SIDE, MIN_SIDE)
            drawn = np.asarray(overlay.convert("RGB"), dtype=np.float32)
        assert drawn.std() > 0  # a picture, not a flat fill
        others = [p for p in pictures.iterdir() if str(p) != row["picture"]]
        # the picture shows through the heat map: it matches its own picture best
        assert _likeness(drawn, Path(row["picture"])) > _likeness(drawn, others[0])


def _likeness(drawn: np.ndarray, picture: Path) -> float:
    """Pixel correlation of an overlay with a picture at the overlay's size."""
    with Image.open(picture) as opened:
        size = (drawn.shape[1], drawn.shape[0])
        pixels = np.asarray(opened.convert("RGB").resize(size), dtype=np.float32)
    return float(np.corrcoef(drawn.ravel(), pixels.ravel())[0, 1])


def _refused(done: subprocess.CompletedProcess, says: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and says in lines[0], done.stderr


def test_a_corrupt_picture_is_refused_in_one_line(runs, pictures, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes((pictures / "shape0.png").read_bytes()[:40])  # a PNG cut short
    out = tmp_path / "maps"
    _refused(_explain(runs["shapes_vit"], pictures, broken, "--out", out), str(broken))
    assert not out.exists()  # every picture is read before anything is written


def test_an_arch_it_does_not_explain_is_refused(tmp_path, pictures):
    tabular = briefly_trained(EXAMPLES / "tabular" / "tabular_classifier.yaml", tmp_path)
    supported = f"explain supports {', '.join(sorted(EXPLAINERS))}"
    _refused(_explain(tabular, pictures, "--out", tmp_path / "maps"), supported)


def test_other_bad_input_is_refused(runs, pictures, tmp_path):
    _refused(_explain(runs["shapes_vit"], pictures, "--text", "a red circle", "--out",
                      tmp_path / "maps"), "CLIP runs only")  # fmt: skip
    _refused(_explain(tmp_path, pictures, "--out", tmp_path / "maps"), "no trained run")
    _refused(_explain(runs["shapes_cnn"], tmp_path / "nothing.png", "--out", tmp_path / "m"),
             "no such file")  # fmt: skip
    (tmp_path / "file").write_text("x")
    _refused(_explain(runs["shapes_cnn"], pictures, "--out", tmp_path / "file"), "is a file")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "flags", "methods"),
    [
        ("small_clip", ["--text", "a red circle"], {"rollout", "similarity"}),
        ("small_vlm", [], {"text_attention", "text_rollout"}),
        ("small_vlm_late", [], {"rollout"}),
    ],
)
def test_explain_clip_and_vlm_runs(name, flags, methods, pictures, tmp_path):
    run = briefly_trained(EXAMPLES / "multimodal" / f"{name}.yaml", tmp_path / "runs")
    out = tmp_path / "maps"
    done = _explain(run, pictures, *flags, "--out", out)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in (out / "explain.jsonl").read_text().splitlines()]
    assert {row["method"] for row in rows} == methods and len(rows) == PICTURES * len(methods)
    for row in rows:
        with Image.open(out / row["overlay"]) as overlay:
            assert overlay.format == "PNG"
        assert np.isfinite(np.load(out / row["map"])).all()
