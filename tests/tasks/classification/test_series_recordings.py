"""Series classification from a folder of multichannel recordings (one CSV per recording, the
channels as columns): the layouts (a folder per class, a labels file, train/ and val/
folders), the channel count read from the files, located errors, and a trained series CNN
that separates classes which only the channels together tell apart."""

from __future__ import annotations

import numpy as np
import pytest
from tests.codegen.generated import synth_run
from tests.e2e.runs import read_json, run_script
from tests.paths import EXAMPLES
from tests.tasks.classification.series_recording_files import (
    RECORDING_CHANNELS,
    class_folders,
    labels_file,
    recording,
    write_recording,
)

from metagen.tasks.runtime import build_datasets

CFG = {
    "kind": "series",
    "series_length": 128,
    "channels": 1,
    "num_classes": 8,
    "val_fraction": 0.25,
}


def build(source, **cfg):
    return build_datasets("classification", {**CFG, **cfg}, str(source), seed=0)


def test_a_folder_per_class_gives_six_channels_and_their_classes(tmp_path) -> None:
    train, val, info = build(class_folders(tmp_path / "rec", per_class=8))
    assert (len(train), len(val)) == (12, 4)
    assert info["class_names"] == ["flipped", "same"]
    assert info["channel_names"] == list(RECORDING_CHANNELS)  # the time column is skipped
    # the model's input channels and length follow the files, not the spec's 1 and 128
    assert info["fit_dims"] == {"series_length": 48, "in_channels": 6, "num_outputs": 2}
    assert train[0]["series"].shape == (6, 48)
    # each channel standardized on its own over the training recordings
    stacked = np.stack([train[i]["series"].numpy() for i in range(len(train))])
    assert np.allclose(stacked.mean(axis=(0, 2)), 0, atol=1e-5)
    assert np.allclose(stacked.std(axis=(0, 2)), 1, atol=1e-4)


def test_a_labels_file_and_split_folders_read_alike(tmp_path) -> None:
    _, _, info = build(labels_file(tmp_path / "listed", per_class=8))
    assert info["class_names"] == ["flipped", "same"] and info["num_train"] == 12
    root = tmp_path / "split"
    class_folders(root / "train", per_class=6)
    class_folders(root / "val", per_class=2, seed=1)
    train, val, _ = build(root)
    assert (len(train), len(val)) == (12, 4)
    # evaluate.py --data: the held-out folder (or a folder without one) is scored whole
    _, given, _ = build(root, held_out="given")
    assert len(given) == 4
    _, given, _ = build(root / "train", held_out="given")
    assert len(given) == 12


def test_scoring_new_recordings_keeps_the_trained_classes_and_scales(tmp_path) -> None:
    _, _, trained = build(class_folders(tmp_path / "rec", per_class=8))
    rng = np.random.default_rng(5)
    values = recording(rng, "same", 48)
    write_recording(tmp_path / "new" / "same" / "0.csv", values)
    # evaluate.py passes the run's data_info: one class alone is scored as the model knows it
    _, given, info = build(tmp_path / "new", held_out="given", trained_info=trained)
    assert info["class_names"] == ["flipped", "same"] and int(given[0]["labels"]) == 1
    mean, std = np.asarray(trained["value_mean"]), np.asarray(trained["value_std"])
    assert np.allclose(given[0]["series"].numpy(), (values.T - mean) / std, atol=1e-3)
    write_recording(tmp_path / "new" / "other" / "0.csv", values)
    with pytest.raises(ValueError, match=r"class 'other' is not one the model was trained on"):
        build(tmp_path / "new", held_out="given", trained_info=trained)


def write_text(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def rows(text: str, count: int = 4) -> str:
    return "time,ax,ay\n" + "".join(f"{t},{text}\n" for t in range(count))


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a/1.csv": rows("1,2"), "b/1.csv": "time,ax,ay\n0,1,2\n1,1,x\n"},
            r"b/1\.csv line 3, column 'ay': 'x' is not a number",
        ),
        (
            {"a/1.csv": rows("1,2"), "b/1.csv": "time,ay,ax\n0,1,2\n"},
            r"b/1\.csv line 1 \(the header\): channels ay, ax differ from .*a/1\.csv's \(ax, ay\)",
        ),
        (
            {"a/1.csv": rows("1,2"), "b/1.csv": rows("1,2", 3)},
            r"b/1\.csv has 3 time steps \(rows\), but .*a/1\.csv has 4\. Every recording",
        ),
        (
            {"a/1.csv": rows("1,2"), "b/1.csv": "time,ax,ay\n0,1\n"},
            r"b/1\.csv line 2: 2 fields, but the header has 3",
        ),
        ({"a/1.csv": rows("1,2"), "loose.csv": rows("1,2")}, r"loose\.csv lies in .* outside"),
        ({"notes.txt": "x"}, r"holds no recordings: expected .*/<class>/<recording>\.csv"),
        (
            {"a/1.csv": rows("1,2"), "a/2.csv": rows("3,4")},
            r"rec: 1 class found \(.a.\); a classifier needs at least two",
        ),
        (
            {"r.csv": rows("1,2"), "labels.csv": "path,label\nr.csv,a\n"},
            r"labels\.csv line 1 \(the header\) has no column 'file'",
        ),
        (
            {"r.csv": rows("1,2"), "labels.csv": "file,label\nr.csv,a\ngone.csv,b\n"},
            r"labels\.csv line 3, column 'file': 'gone\.csv' is not a file under",
        ),
        (
            {"a/1.csv": "time\n0\n", "b/1.csv": "time\n0\n"},
            r"a/1\.csv line 1 \(the header\): every column \(time\) is a time column",
        ),
    ],
    ids=[
        "not_a_number",
        "other_channels",
        "other_length",
        "short_row",
        "loose_file",
        "empty",
        "one_class",
        "labels_header",
        "labels_missing_file",
        "no_channels",
    ],
)
def test_malformed_recordings_get_a_located_error(tmp_path, files, message) -> None:
    for name, text in files.items():
        write_text(tmp_path / "rec" / name, text)
    with pytest.raises(ValueError, match=message):
        build(tmp_path / "rec")


def test_a_held_out_class_without_training_recordings_is_refused(tmp_path) -> None:
    root = tmp_path / "split"
    class_folders(root / "train", per_class=2)
    rng = np.random.default_rng(0)
    write_recording(root / "val" / "other" / "1.csv", recording(rng, "same", 48))
    with pytest.raises(ValueError, match=r"class 'other' has held-out recordings but none"):
        build(root)


def single_channel_accuracy(train, val, channel: int) -> float:
    """Held-out accuracy of a logistic regression on one channel's raw values."""
    from sklearn.linear_model import LogisticRegression

    def arrays(ds):
        x = np.stack([ds[i]["series"][channel].numpy() for i in range(len(ds))])
        return x, np.array([int(ds[i]["labels"]) for i in range(len(ds))])

    model = LogisticRegression(max_iter=2000).fit(*arrays(train))
    return float(model.score(*arrays(val)))


def recording_split(root):
    class_folders(root / "train", per_class=80)
    class_folders(root / "val", per_class=40, seed=1)
    return root


def test_no_single_channel_tells_the_classes_apart(tmp_path) -> None:
    train, val, _ = build(recording_split(tmp_path / "rec"))
    # each channel is a sine of random phase and speed in both classes
    assert max(single_channel_accuracy(train, val, c) for c in range(6)) < 0.65


@pytest.mark.slow
def test_a_series_cnn_learns_what_only_the_channels_together_tell(tmp_path) -> None:
    root = recording_split(tmp_path / "rec")
    run = synth_run(EXAMPLES / "time_series" / "series_classifier_cnn.yaml", tmp_path / "runs")
    out = tmp_path / "out"
    run_script(run / "code", "train.py", "--scale", "smoke", "--data", str(root), "--steps",
               "60", "--out", str(out), "--no-progress")  # fmt: skip
    assert read_json(out / "metrics.json")["model_dims"]["in_channels"] == 6
    run_script(run / "code", "evaluate.py", "--checkpoint", str(out), "--data", str(root / "val"),
               "--out", str(tmp_path / "eval"))  # fmt: skip
    scores = read_json(tmp_path / "eval" / "metrics.json")
    assert scores["num_samples"] == 80  # the held-out folder, whole
    assert scores["majority_class_accuracy"] == 0.5
    assert scores["accuracy"] >= 0.9, scores
