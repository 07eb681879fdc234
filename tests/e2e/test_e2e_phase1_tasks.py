"""Phase-1 tasks end to end, as a user runs them (slow): every classification (tabular, text,
series), regression, embedding and ranking example smoke-trains and beats its trivial
baseline on held-out synthetic data by a stated margin; real tables (scikit-learn's iris,
wine and diabetes as CSV files) train through `metagen synth` and `metagen train --data`; a
malformed file stops with a located error before anything is trained."""

from __future__ import annotations

import csv
import json
import subprocess

import numpy as np
import pytest
from tests.e2e.runs import METAGEN, metagen_train, read_json, run_script
from tests.paths import EXAMPLE_SPECS, EXAMPLES, spec_id

from metagen.planning import make_blueprint
from metagen.spec import load_spec

pytestmark = pytest.mark.slow

RECORD_KINDS = ("tabular", "text", "series")


def _record_task(path) -> str | None:
    bp = make_blueprint(load_spec(path))
    if bp.task in ("regression", "embedding", "ranking"):
        return bp.task
    classifies_records = bp.task == "classification" and bp.data.get("kind") in RECORD_KINDS
    return "classification" if classifies_records else None


RECORD_EXAMPLES = [p for p in EXAMPLE_SPECS if _record_task(p)]

# What "beats the trivial baseline" means per task: (metric, baseline, margin).
MARGINS = {
    "classification": [("accuracy", "majority_class_accuracy", 0.3)],
    "regression": [("r2", "mean_predictor_r2", 0.5)],
    "embedding": [("recall_at_1", "chance_recall_at_1", 0.3)],
    "ranking": [("ndcg_at_10", "random_ndcg_at_10", 0.2), ("mrr", "random_mrr", 0.15)],
}


@pytest.mark.parametrize("spec", RECORD_EXAMPLES, ids=spec_id)
def test_example_beats_its_trivial_baseline_on_held_out_data(spec, tmp_path):
    result, _ = metagen_train(
        str(spec), "--scale", "smoke", "--out", str(tmp_path), "--run-id", "run"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    held_out = read_json(tmp_path / "run" / "train" / "smoke" / "metrics.json")["eval"]
    for metric, baseline, margin in MARGINS[_record_task(spec)]:
        assert held_out[metric] >= held_out[baseline] + margin, (metric, held_out)


def write_table(root, name: str, stratify: bool, test_size: float, seed: int) -> None:
    """scikit-learn's `name` dataset as root/train.csv and root/test.csv, target last."""
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    data = getattr(datasets, f"load_{name}")()
    rows = np.arange(len(data.target))
    train, test = train_test_split(
        rows, test_size=test_size, random_state=seed, stratify=data.target if stratify else None
    )
    root.mkdir(parents=True)
    header = [column.replace(" ", "_") for column in data.feature_names] + ["target"]
    for split, indices in (("train", train), ("test", test)):
        with open(root / f"{split}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([*data.data[i], data.target[i]] for i in indices)


def synth_then_train(spec, data, tmp_path, run_id: str) -> tuple[dict, object]:
    synth = subprocess.run(
        [str(METAGEN), "synth", str(spec), "--out", str(tmp_path / "runs"), "--run-id", run_id],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert synth.returncode == 0, synth.stderr
    run_dir = tmp_path / "runs" / run_id
    result, _ = metagen_train(str(run_dir), "--scale", "smoke", "--data", str(data))
    assert result.returncode == 0, result.stderr[-3000:]
    return read_json(run_dir / "train" / "smoke" / "metrics.json"), run_dir


@pytest.mark.parametrize("name", ["iris", "wine"])
def test_real_tables_are_classified_at_90_percent(name, tmp_path):
    write_table(tmp_path / name, name, stratify=True, test_size=0.3, seed=0)
    metrics, run_dir = synth_then_train(
        EXAMPLES / "tabular" / "tabular_classifier.yaml", tmp_path / name, tmp_path, name
    )
    held_out = metrics["eval"]
    assert held_out["num_samples"] == {"iris": 45, "wine": 54}[name]  # test.csv, not train.csv
    assert held_out["accuracy"] >= 0.90
    predictions = tmp_path / "predictions.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(run_dir / "train" / "smoke"),
               str(tmp_path / name / "test.csv"), "--out", str(predictions))  # fmt: skip
    assert len(predictions.read_text("utf-8").splitlines()) == held_out["num_samples"]


def test_diabetes_regression_reaches_r2_of_0_4(tmp_path):
    from sklearn.linear_model import LinearRegression

    # The 80/20 split of random_state 42; ordinary least squares scores R^2 0.45 on it.
    write_table(tmp_path / "diabetes", "diabetes", stratify=False, test_size=0.2, seed=42)
    metrics, _ = synth_then_train(
        EXAMPLES / "tabular" / "tabular_regressor.yaml", tmp_path / "diabetes", tmp_path, "diabetes"
    )
    held_out = metrics["eval"]
    assert held_out["r2"] >= 0.4
    assert held_out["mae"] < held_out["mean_predictor_mae"]
    # no worse than least squares on the same rows, less a little
    train, test = (
        np.loadtxt(tmp_path / "diabetes" / f"{s}.csv", delimiter=",", skiprows=1)
        for s in ("train", "test")
    )
    assert len(test) == held_out["num_samples"]
    least_squares = LinearRegression().fit(train[:, :-1], train[:, -1])
    assert held_out["r2"] >= least_squares.score(test[:, :-1], test[:, -1]) - 0.05


def test_text_classifier_trains_on_a_jsonl_file(tmp_path):
    rng = np.random.default_rng(0)
    good, bad = ("great", "lovely", "superb", "fine"), ("awful", "dull", "poor", "bad")
    lines = []
    for i in range(600):
        words = good if i % 2 else bad
        text = f"the film was {rng.choice(words)} and the cast was {rng.choice(words)}"
        lines.append(json.dumps({"text": text, "label": "positive" if i % 2 else "negative"}))
    data = tmp_path / "reviews.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = tmp_path / "reviews.yaml"
    spec.write_text(
        "name: reviews\nmodality: {inputs: [text], outputs: [label]}\n"
        "task: {type: classification, num_classes: 2}\n"
        'constraints: {parameter_budget: {max: "2M"}, context_window: 64}\n',
        encoding="utf-8",
    )
    result, _ = metagen_train(
        str(spec),
        "--scale",
        "smoke",
        "--steps",
        "80",
        "--data",
        str(data),
        "--out",
        str(tmp_path),
        "--run-id",
        "reviews",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    held_out = read_json(tmp_path / "reviews" / "train" / "smoke" / "metrics.json")["eval"]
    assert held_out["num_samples"] == 60  # val_fraction 0.1 of the file
    assert held_out["accuracy"] >= held_out["majority_class_accuracy"] + 0.3


@pytest.mark.parametrize(
    ("name", "text", "located"),
    [
        ("bad.csv", "a,b,target\n1,2,0\n3,red,1\n", "bad.csv:3: column 'b' holds 'red'"),
        ("short.csv", "a,b,target\n1,2,0\n3,1\n", "short.csv:3: the row has 2 values"),
    ],
)
def test_a_malformed_csv_stops_before_training_with_a_located_error(tmp_path, name, text, located):
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    result, _ = metagen_train(
        str(EXAMPLES / "tabular" / "tabular_classifier.yaml"),
        "--scale",
        "smoke",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "runs"),
        "--run-id",
        "bad",
    )
    assert result.returncode == 2
    assert located in result.stderr and "Traceback" not in result.stderr
    # The run synthesized for this call is removed again: bad data leaves nothing behind.
    assert not (tmp_path / "runs" / "bad").exists()
    assert "nothing was written" in result.stderr
