"""A classifier's data must hold two classes at least: a folder of one class folder, or a CSV
or JSONL target with one value, used to train a one-class model (a `note:` line said so).
Every classification reader refuses it, naming where the class came from and what it was."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from tests.data.rejected_runs import synth_package, train_refuses

from metagen.data.audio_io import write_wav
from metagen.tasks.runtime import build_datasets

IMAGE = {"kind": "image", "image_size": 16, "channels": 3, "val_fraction": 0.25}
VIDEO = {"kind": "video", "num_frames": 2, "resolution": [16, 16], "channels": 3}
AUDIO = {"kind": "audio", "sample_rate": 8000, "clip_samples": 4000, "val_fraction": 0.25}
RECORDS = {"val_fraction": 0.25, "seq_len": 16, "channels": 1}
DIFFUSION = {
    **IMAGE,
    "num_timesteps": 10,
    "beta_schedule": "linear",
    "caption_length": 8,
    "text_conditioning": True,
    "noised_samples": 8,
}


def png(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((16, 16, 3), len(str(path)) % 256, np.uint8)).save(path)


def wav(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, 0.5 * np.sin(np.arange(2400) / 3.0), 8000)


FOLDERS = {  # kind: (data config, file writer, a clip's path in its class folder)
    "image": (IMAGE, png, "{}.png"),
    "video": (VIDEO, png, "clip{}/0.png"),
    "audio": (AUDIO, wav, "{}.wav"),
}


@pytest.mark.parametrize("kind", list(FOLDERS))
def test_a_folder_of_one_class_folder_is_refused(tmp_path, kind):
    cfg, write, layout = FOLDERS[kind]
    for i in range(4):
        write(tmp_path / "cats" / layout.format(i))
    with pytest.raises(ValueError) as error:
        build_datasets("classification", cfg, str(tmp_path), seed=0)
    message = str(error.value)
    assert message.startswith(f"{kind} folder {tmp_path}: 1 class found ('cats');"), message
    assert "at least two" in message and "\n" not in message
    for i in range(2):
        write(tmp_path / "dogs" / layout.format(i))
    _, _, info = build_datasets("classification", cfg, str(tmp_path), seed=0)
    assert info["class_names"] == ["cats", "dogs"]


def test_a_one_class_folder_still_trains_a_diffusion_model(tmp_path):
    for i in range(4):  # diffusion reads class folders as captions: one is enough
        png(tmp_path / "faces" / f"{i}.png")
    train, val, _ = build_datasets("diffusion", DIFFUSION, str(tmp_path))
    assert len(train) > 0 and len(val) > 0


def csv_text(labels) -> str:
    return "a,b,y\n" + "".join(f"{i},{i % 3},{label}\n" for i, label in enumerate(labels))


@pytest.mark.parametrize("kind", ["tabular", "series"])
def test_a_csv_target_with_one_class_is_refused(tmp_path, kind):
    path = tmp_path / "d.csv"
    path.write_text(csv_text(["spam"] * 12))
    with pytest.raises(ValueError) as error:
        build_datasets("classification", {**RECORDS, "kind": kind}, str(path))
    message = str(error.value)
    assert message.startswith(f"{path}, target column 'y': 1 class found ('spam')"), message
    assert "at least two" in message
    path.write_text(csv_text(["spam", "ham"] * 6))
    _, _, info = build_datasets("classification", {**RECORDS, "kind": kind}, str(path))
    assert info["class_names"] == ["ham", "spam"]


def test_a_jsonl_label_with_one_class_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps({"text": f"t{i}", "label": 1}) + "\n" for i in range(8)))
    with pytest.raises(ValueError, match=r"d.jsonl, 'label' .*: 1 class found \('1'\)"):
        build_datasets("classification", {**RECORDS, "kind": "text"}, str(path))


def test_train_py_refuses_a_one_class_folder(tmp_path):
    code = synth_package("audio/audio_classifier.yaml", tmp_path / "package")
    for i in range(4):
        wav(tmp_path / "data" / "only" / f"{i}.wav")
    error = train_refuses(code, tmp_path / "data", tmp_path / "out")
    assert f"audio folder {tmp_path / 'data'}: 1 class found ('only')" in error, error


def test_train_py_refuses_a_one_class_csv(tmp_path):
    code = synth_package("tabular/tabular_classifier.yaml", tmp_path / "package")
    path = tmp_path / "d.csv"
    path.write_text(csv_text(["spam"] * 12))
    error = train_refuses(code, path, tmp_path / "out")
    assert f"{path}, target column 'y': 1 class found ('spam')" in error, error
