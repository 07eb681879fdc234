"""A fusion classifier on the user's own samples: `metagen train SPEC --data FOLDER` with
train.jsonl and val.jsonl (image files and captions, a quarter of the lines missing one
input) learns the labels it names, well above the best one input allows; a single .jsonl is
split; and each way a samples file can be wrong is one paragraph naming the line, exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from tests.e2e.runs import metagen_train, read_json
from tests.paths import EXAMPLES

from metagen.data.fusion_synthetic import fusion_samples
from metagen.planning import make_blueprint
from metagen.spec import load_spec
from metagen.tasks.fusion_classification.data import fusion_datasets

SPEC = EXAMPLES / "multimodal" / "fusion_image_caption.yaml"
WORDS = ("red", "green", "blue")  # the factor names: the label is "<colour>-<word>"


def _write(folder, name: str, n: int, seed: int, drop_every: int = 4) -> None:
    """n samples as files and lines; every drop_every-th line lacks its image or caption."""
    data = fusion_samples(["image", "text"], n, seed, image_size=16)
    (folder / "img").mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        image_factor, text_factor = data["factors"][i]
        path = f"img/{name}{i}.png"
        pixels = (data["image"][i].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        Image.fromarray(pixels).save(folder / path)
        line = {"image": path, "text": data["text"][i],
                "label": f"{WORDS[image_factor]}-{WORDS[text_factor]}"}  # fmt: skip
        if i % drop_every == 0:
            del line["image" if i % (2 * drop_every) else "text"]
        lines.append(json.dumps(line))
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow  # 15 s of training; reading a folder of samples is tested below by default
def test_train_on_a_folder_of_samples_learns_their_labels(tmp_path) -> None:
    folder = tmp_path / "samples"
    _write(folder, "train", 1200, 0)
    _write(folder, "val", 300, 1, drop_every=10**6)  # held out with both inputs
    result, _ = metagen_train(str(SPEC), "--scale", "smoke", "--data", str(folder),
                              "--out", str(tmp_path), "--run-id", "u")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "u" / "train" / "smoke"
    info, held_out = read_json(out / "data_info.json"), read_json(out / "metrics.json")["eval"]
    assert info["class_names"] == sorted(f"{a}-{b}" for a in WORDS for b in WORDS)
    assert (info["num_train"], info["num_val"]) == (1200, 300)
    # one input alone reads one of the two factors: 1/3 at best
    assert held_out["accuracy"] >= 0.8, held_out
    assert held_out["accuracy_without_image"] <= 1 / 3 + 0.08
    assert held_out["accuracy_without_text"] <= 1 / 3 + 0.08


def _cfg() -> dict:
    return make_blueprint(load_spec(SPEC)).scales["smoke"].data


def test_a_single_file_is_split_and_missing_inputs_are_masked(tmp_path) -> None:
    _write(tmp_path, "all", 50, 2)
    train, val, info = fusion_datasets(_cfg(), str(tmp_path / "all.jsonl"), 0)
    assert (len(train), len(val)) == (40, 10) and info["num_val"] == 10
    sample = train[0]
    assert sample["image"].shape == (3, 16, 16) and sample["text"].shape == (40,)
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text().splitlines()]
    missing = sum("image" not in x or "text" not in x for x in lines)
    present = np.concatenate([train.tensors["present"].numpy(), val.tensors["present"].numpy()])
    assert (~present).sum() == missing and present.any(axis=1).all()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("not json", "all.jsonl:2: not JSON"),
        ('{"image": "img/all0.png"}', "all.jsonl:2: each line must be a JSON object with a 'label'"),
        ('{"audio": "a.wav", "label": "x"}', "all.jsonl:2: audio is not an input of this model"),
        ('{"label": "red-red"}', "all.jsonl:2: the line gives no input"),
        ('{"image": "img/none.png", "label": "red-red"}', "cannot read its image"),
        ('{"image": "all.jsonl", "label": "red-red"}', "cannot read its image"),
    ],
)  # fmt: skip
def test_a_bad_line_is_one_error_naming_it(tmp_path, line, says) -> None:
    _write(tmp_path, "all", 12, 3)
    path = tmp_path / "all.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], line, *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        fusion_datasets(_cfg(), str(path), 0)


def test_integer_labels_keep_their_order(tmp_path) -> None:
    lines = [{"text": f"item {i}", "label": label} for i, label in enumerate([10, 2, 1, 2, 10])]
    (tmp_path / "n.jsonl").write_text("\n".join(json.dumps(x) for x in lines * 4))
    _, _, info = fusion_datasets(_cfg(), str(tmp_path / "n.jsonl"), 0)
    assert info["class_names"] == ["1", "2", "10"]


def test_the_cli_refuses_bad_samples_in_one_paragraph(tmp_path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"text": "a red car", "label": "car"}\n' * 3)
    result, _ = metagen_train(str(SPEC), "--scale", "smoke", "--data", str(tmp_path / "bad.jsonl"),
                              "--out", str(tmp_path), "--run-id", "b")  # fmt: skip
    assert result.returncode == 2
    assert "one label (car); a classifier needs two or more" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
