"""The generated infer.py of a CLIP model (issue 16): a picture's row has its unit-length
embedding and the captions that match it best, ranked (the run's own, the built-in shapes'
classes, or --captions' texts), each similarity the dot product of the picture's embedding and
the caption's (as a text input gets it); a row that is neither text nor picture is one line,
exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.paths import EXAMPLES
from tests.predict.inputs.contrastive import write_inputs
from tests.predict.trained_runs import briefly_trained, jsonl_rows, run_infer

from metagen.data.synthetic_images import ShapesDataset

TOP = 4


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return briefly_trained(
        EXAMPLES / "multimodal" / "small_clip.yaml", tmp_path_factory.mktemp("c")
    )


def test_pictures_get_ranked_captions_and_unit_embeddings(run, tmp_path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    count = write_inputs(run, inputs, 6)
    out = tmp_path / "out.jsonl"
    done = run_infer(run, str(inputs), "--out", str(out), "--top", str(TOP), "--batch-size", "2")
    assert done.returncode == 0, done.stderr
    rows = jsonl_rows(out)
    assert len(rows) == count
    pictures = [r for r in rows if "top" in r]
    assert len(pictures) == count - 2 and sum("text" in r for r in rows) == 2
    dims = json.loads((run / "train" / "smoke" / "metrics.json").read_text())["model_dims"]
    config = json.loads((run / "code" / "config.json").read_text())["scales"]["smoke"]["data"]
    shapes = ShapesDataset(1, config["image_size"], config["channels"], 0, config["num_classes"])
    classes = {f"a {name}" for name in shapes.class_names}
    for row in rows:
        embedding = np.array(row["embedding"])
        assert embedding.shape == (dims["embed_dim"],)
        assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-4)
    for row in pictures:
        similarities = list(row["top"].values())
        assert len(row["top"]) == TOP and set(row["top"]) <= classes
        assert similarities == sorted(similarities, reverse=True)
        assert (row["caption"], row["similarity"]) == next(iter(row["top"].items()))
    # the JSONL row naming a picture gets that picture's embedding
    named = next(r for r in pictures if r["input"].endswith("pairs.jsonl:2"))
    direct = next(r for r in pictures if r["input"] == str(inputs / "shape0.png"))
    assert named["image"] == direct["input"]
    np.testing.assert_allclose(named["embedding"], direct["embedding"], atol=1e-5)


def test_captions_of_a_file_are_ranked_by_the_embeddings_dot_product(run, tmp_path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    write_inputs(run, inputs, 4)
    captions = tmp_path / "captions.txt"
    captions.write_text("a red circle\na blue ring\n\na red circle\n", encoding="utf-8")
    for name, text in (("red", "a red circle"), ("ring", "a blue ring")):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    texts = [str(tmp_path / "red.txt"), str(tmp_path / "ring.txt")]
    done = run_infer(run, str(inputs / "shape0.png"), *texts, "--captions", str(captions), "--out",
                 str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    picture, *texts = jsonl_rows(out)
    assert set(picture["top"]) == {"a red circle", "a blue ring"}  # distinct, blanks left out
    for row in texts:
        dot = float(np.array(picture["embedding"]) @ np.array(row["embedding"]))
        assert picture["top"][row["text"]] == pytest.approx(dot, abs=1e-4)


def test_a_row_of_neither_text_nor_picture_is_one_line(run, tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": 3}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run_infer(run, str(bad), "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert f"{bad}: row 1 has no text and names no image" in line
    assert not out.exists()
