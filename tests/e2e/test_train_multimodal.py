"""Multi-modal models through `metagen train` (slow): CLIP retrieval beats chance on held-out
synthetic pairs, the VLM's caption loss beats the unigram entropy with either fusion, and the
generated infer.py embeds and captions real image files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import loss_drop, metagen_train, read_json, run_script
from tests.paths import EXAMPLES

from metagen.data.synthetic_images import RGB_COLORS, SHAPE_NAMES, ShapesDataset

pytestmark = pytest.mark.slow


def write_shapes(folder, count: int, seed: int = 99) -> list[tuple[str, str]]:
    """PNG files of synthetic shapes the model never saw, with their true captions."""
    shapes = ShapesDataset(count, 32, 3, seed=seed, num_classes=36)
    pairs = []
    for i in range(count):
        image, _ = shapes.draw(i)
        path = folder / f"shape{i}.png"
        Image.fromarray((image.transpose(1, 2, 0) * 255).round().astype(np.uint8)).save(path)
        pairs.append((str(path), shapes.caption_for(i)))
    return pairs


def test_clip_retrieval_beats_chance_and_infer_writes_embeddings(tmp_path) -> None:
    result, _ = metagen_train(
        str(EXAMPLES / "multimodal" / "small_clip.yaml"),
        "--scale",
        "smoke",
        "--out",
        str(tmp_path),
        "--run-id",
        "clip",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "clip"
    metrics = read_json(run / "train" / "smoke" / "metrics.json")
    held_out = metrics["eval"]
    assert held_out["gallery_size"] == 512 and held_out["chance_r1"] == 1 / 512
    assert held_out["r1_text_to_image"] >= 3 * held_out["chance_r1"]
    assert held_out["same_caption_at_1_text_to_image"] >= 3 * held_out["chance_same_caption_at_1"]
    assert loss_drop(metrics) >= 0.3
    card = (run / "docs" / "model_card.md").read_text()
    assert f"{held_out['r1_text_to_image']:.4f}" in card
    pairs = write_shapes(tmp_path, 3)
    code = run / "code"
    captions = tmp_path / "captions.jsonl"  # a text per row
    captions.write_text("".join(json.dumps({"text": c}) + "\n" for _, c in pairs), encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    run_script(code, "infer.py", "--checkpoint", str(run / "train" / "smoke"),
               *[p for p, _ in pairs], str(captions), "--out", str(predictions))  # fmt: skip
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    images = np.array([row["embedding"] for row in rows if "image" in row or "top" in row])
    texts = np.array([row["embedding"] for row in rows if "text" in row])
    assert images.shape == texts.shape == (3, 64)
    np.testing.assert_allclose(np.linalg.norm(images, axis=1), 1.0, rtol=1e-5)
    assert sum("caption" in row for row in rows) == 3  # each picture's best caption
    export = run_script(
        code,
        "export.py",
        "--checkpoint",
        str(run / "train" / "smoke"),
        "--output",
        str(tmp_path / "clip.onnx"),
    )
    assert "max |onnxruntime - torch|" in export.stdout


@pytest.mark.parametrize("fusion", ["early", "cross_attention", "late"])
def test_vlm_caption_loss_beats_unigram_entropy_and_infer_captions(tmp_path, fusion) -> None:
    spec = (EXAMPLES / "multimodal" / "small_vlm.yaml").read_text()
    spec_path = tmp_path / "vlm.yaml"
    spec_path.write_text(spec.replace("fusion: early", f"fusion: {fusion}"))
    result, _ = metagen_train(
        str(spec_path), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "vlm"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "vlm"
    metrics = read_json(run / "train" / "smoke" / "metrics.json")
    info = read_json(run / "train" / "smoke" / "data_info.json")
    held_out = metrics["eval"]
    assert metrics["model_dims"]["fusion"] == fusion
    assert held_out["loss"] < held_out["unigram_entropy_nats"]
    assert held_out["unigram_entropy_nats"] == pytest.approx(info["caption_unigram_entropy_nats"])
    assert held_out["loss"] < held_out["loss_mismatched_images"]  # it reads the image
    assert loss_drop(metrics) >= 0.3
    pairs = write_shapes(tmp_path, 4)
    predictions = tmp_path / "captions.jsonl"
    run_script(run / "code", "infer.py", "--checkpoint", str(run / "train" / "smoke"),
               *[path for path, _ in pairs], "--out", str(predictions))  # fmt: skip
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [row["input"] for row in rows] == [path for path, _ in pairs]
    captions = [row["caption"].strip() for row in rows]
    # At smoke scale the model learns the colours and not yet the shapes: a held-out loss
    # near ln(6) nats per caption, the shape's (one run: 0.126 nats/token, 15 tokens).
    words = [c.split() for c in captions]
    assert all(
        len(w) == 3 and w[0] == "a" and w[1] in RGB_COLORS and w[2] in SHAPE_NAMES for w in words
    ), captions
    colours = sum(w[1] == truth.split()[1] for w, (_, truth) in zip(words, pairs, strict=True))
    assert colours >= 3, (captions, [truth for _, truth in pairs])
    export = run_script(
        run / "code",
        "export.py",
        "--checkpoint",
        str(run / "train" / "smoke"),
        "--output",
        str(tmp_path / "vlm.onnx"),
    )
    assert "max |onnxruntime - torch|" in export.stdout


def test_user_jsonl_pairs_train_and_bad_lines_are_clear_errors(tmp_path) -> None:
    pairs = write_shapes(tmp_path, 40, seed=7)
    lines = [json.dumps({"image": Path(p).name, "caption": c}) for p, c in pairs]
    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = str(EXAMPLES / "multimodal" / "small_vlm.yaml")
    result, _ = metagen_train(
        spec,
        "--scale",
        "smoke",
        "--steps",
        "10",
        "--data",
        str(data),
        "--out",
        str(tmp_path),
        "--run-id",
        "user",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = read_json(tmp_path / "user" / "train" / "smoke" / "metrics.json")
    info = read_json(tmp_path / "user" / "train" / "smoke" / "data_info.json")
    assert (info["num_train"], info["num_val"]) == (36, 4)  # val_fraction 0.1
    assert metrics["eval"]["num_samples"] == 4 and metrics["data_source"] == str(data)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + '\n{"image": "shape1.png"}\n', encoding="utf-8")
    result, _ = metagen_train(
        spec, "--scale", "smoke", "--data", str(bad), "--out", str(tmp_path), "--run-id", "bad"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{bad}, line 2: missing 'caption'" in result.stderr
