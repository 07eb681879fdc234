"""`metagen index` and `metagen search`: FAISS gives what a brute-force cosine scan gives, and
a trained small CLIP's index finds pictures of the caption it is asked for, far above chance."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import METAGEN, metagen_train
from tests.paths import EXAMPLES

from metagen.search import vector_index
from metagen.search.vector_index import build_index, load_index, save_index, search

faiss = pytest.importorskip("faiss")


def _unit_rows(count: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_flat_search_is_a_brute_force_cosine_scan(tmp_path) -> None:
    vectors, queries = _unit_rows(500, 32, 0), _unit_rows(20, 32, 1)
    items = [{"id": i, "path": f"{i}.png"} for i in range(500)]
    folder = save_index(build_index(vectors), items, {"run_dir": "r", "scale": "smoke"},
                        tmp_path / "index")  # fmt: skip
    index, record = load_index(folder)
    assert record["index"] == "flat" and record["count"] == 500
    for query in queries:
        found = search(index, record, query, 10)
        cosine = vectors @ query
        best = np.argsort(-cosine, kind="stable")[:10]
        assert [r["id"] for r in found] == best.tolist()
        np.testing.assert_allclose([r["score"] for r in found], cosine[best], rtol=0, atol=1e-5)


def test_past_the_flat_size_the_index_is_hnsw_and_finds_the_nearest(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(vector_index, "FLAT_MOST", 100)
    vectors = _unit_rows(2000, 16, 2)
    index = build_index(vectors)
    assert isinstance(index, faiss.IndexHNSWFlat)
    record = {"items": [{"id": i} for i in range(2000)]}
    hits = [search(index, record, vectors[i], 1)[0]["id"] == i for i in range(0, 2000, 40)]
    assert np.mean(hits) >= 0.95  # approximate, but a vector finds itself


def test_an_index_folder_is_written_whole_and_read_only_when_whole(tmp_path) -> None:
    folder = save_index(build_index(_unit_rows(3, 4, 3)), [{"id": 0}, {"id": 1}, {"id": 2}],
                        {}, tmp_path / "index")  # fmt: skip
    with pytest.raises(ValueError, match="exists"):
        save_index(build_index(_unit_rows(3, 4, 3)), [], {}, folder)
    record = json.loads((folder / "items.json").read_text(encoding="utf-8"))
    (folder / "items.json").write_text(json.dumps({**record, "items": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="write the index again"):
        load_index(folder)
    with pytest.raises(ValueError, match="is no index"):
        load_index(tmp_path)


def _metagen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([METAGEN, *args], capture_output=True, text=True, timeout=300)


def test_version_and_short_help() -> None:
    from metagen import __version__

    assert _metagen("--version").stdout.strip() == f"metagen {__version__}"
    shown = _metagen("-h")
    assert shown.returncode == 0 and "index" in shown.stdout and "search" in shown.stdout


def test_index_refuses_what_it_cannot_index(tmp_path) -> None:
    done = _metagen("index", str(tmp_path), "--data", str(tmp_path), "--out",
                    str(tmp_path / "i"), "--embed", "captions")  # fmt: skip
    assert done.returncode == 2 and "reads a .jsonl" in done.stderr
    done = _metagen("index", str(tmp_path / "nothing"), "--data", str(tmp_path), "--out",
                    str(tmp_path / "i"))  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    done = _metagen("search", str(tmp_path), "--query", "a red circle")
    assert done.returncode == 2 and "is no index" in done.stderr


@pytest.mark.slow  # trains a small CLIP (about 30 s)
def test_a_trained_clips_index_finds_the_asked_captions_pictures(tmp_path) -> None:
    from metagen.data.synthetic_images import ShapesDataset

    result, _ = metagen_train(str(EXAMPLES / "multimodal" / "small_clip.yaml"), "--scale",
                              "smoke", "--out", str(tmp_path), "--run-id", "clip")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "clip"
    data = json.loads((run / "code" / "config.json").read_text())["scales"]["smoke"]["data"]
    # pictures the model never saw: another seed than training's 0 and held-out's 1
    shapes = ShapesDataset(120, int(data["image_size"]), int(data["channels"]), 7,
                           int(data["num_classes"]))  # fmt: skip
    lines = []
    for i in range(len(shapes)):
        image, _ = shapes.draw(i)
        pixels = (np.moveaxis(image, 0, -1) * 255).round().astype(np.uint8)
        Image.fromarray(pixels.squeeze()).save(tmp_path / f"{i}.png")
        lines.append(json.dumps({"image": f"{i}.png", "caption": shapes.caption_for(i)}))
    (tmp_path / "pairs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _metagen("index", str(run), "--data", str(tmp_path / "pairs.jsonl"), "--out",
                    str(tmp_path / "index"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    captions = sorted({shapes.caption_for(i) for i in range(len(shapes))})
    hits, chance = [], []
    for caption in captions:
        found = json.loads(_metagen("search", str(tmp_path / "index"), "--query", caption,
                                    "-k", "5", "--json").stdout)  # fmt: skip
        assert len(found) == 5 and found == sorted(found, key=lambda r: -r["score"])
        hits.append(any(r["caption"] == caption for r in found))
        share = sum(shapes.caption_for(i) == caption for i in range(len(shapes))) / len(shapes)
        chance.append(1 - (1 - share) ** 5)  # five draws, about: with replacement
    assert np.mean(hits) >= np.mean(chance) + 0.3, (np.mean(hits), np.mean(chance))
    # the other way: the captions embedded by the text encoder, a picture as the query
    done = _metagen("index", str(run), "--data", str(tmp_path / "pairs.jsonl"), "--out",
                    str(tmp_path / "captions"), "--embed", "captions")  # fmt: skip
    assert done.returncode == 0, done.stderr
    found_own = []
    for i in range(0, len(shapes), 6):
        found = json.loads(_metagen("search", str(tmp_path / "captions"), "--query",
                                    str(tmp_path / f"{i}.png"), "-k", "5", "--json").stdout)  # fmt: skip
        assert len({r["caption"] for r in found}) == 5  # each distinct caption is one row
        found_own.append(any(r["caption"] == shapes.caption_for(i) for r in found))
    # chance: 5 rows of the distinct captions hold the picture's own one
    assert np.mean(found_own) >= 5 / len(captions) + 0.3
