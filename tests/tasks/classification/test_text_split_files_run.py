"""A text classifier's run on the files its spec's data section names, as a user runs it:
`metagen train` validates on data.validation's file and says once that it cuts long texts;
the generated evaluate.py scores data.test's file, or every record of --data; the generated
infer.py reads the text from data.text's column or key."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from tests.e2e.runs import metagen_train, read_json, run_script
from tests.paths import EXAMPLES

SHORT = {"pos": "fine warm film", "neg": "dull slow film"}


def review(i: int, label: str, long: bool = False) -> str:
    text = f"{SHORT[label]} number {i % 5}"  # five words
    return " ".join([text] * 10) if long else text


def write_reviews(path, labels: list[str], long: tuple[int, ...] = ()) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "label"])
        writer.writerows([i, review(i, label, i in long), label] for i, label in enumerate(labels))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("reviews")
    data = root / "texts"
    data.mkdir()
    write_reviews(data / "fit.csv", ["pos", "neg"] * 30, long=(3, 8))  # 2 of 60 cut
    write_reviews(data / "check.csv", ["pos", "neg"] * 6)
    write_reviews(data / "final.csv", ["pos"] * 7 + ["neg"] * 3)
    spec = yaml.safe_load((EXAMPLES / "text" / "text_classifier.yaml").read_text("utf-8"))
    spec["name"] = "reviews"
    spec["task"]["num_classes"] = 2
    spec["data"] = {"text": "review", "train": "fit.csv", "validation": "check.csv",
                    "test": "final.csv"}  # fmt: skip
    (root / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    result, _ = metagen_train(str(root / "spec.yaml"), "--scale", "smoke", "--steps", "10",
                              "--data", str(data), "--out", str(root / "runs"), "--run-id", "r")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return root, root / "runs" / "r", result.stderr


def test_training_validates_on_the_named_file_and_notes_the_cut_texts_once(run) -> None:
    _, run_dir, stderr = run
    out = run_dir / "train" / "smoke"
    info = read_json(out / "data_info.json")
    assert (info["num_train"], info["num_val"], info["text_column"]) == (60, 12, "review")
    assert read_json(out / "metrics.json")["eval"]["num_samples"] == 12  # check.csv
    notes = [line for line in stderr.splitlines() if "longer than seq_len" in line]
    assert notes == [
        "note: 2 of 60 training texts (3.3%) are longer than seq_len 8 tokens and lose their "
        "ends, 42 tokens on average and 42 at most (it keeps 95% of the training texts whole)"
    ]


def test_evaluate_scores_the_named_test_file_or_all_of_data(run) -> None:
    root, run_dir, _ = run
    checkpoint = str(run_dir / "train" / "smoke")
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", checkpoint,
               "--out", str(root / "eval_test"))  # fmt: skip
    scored = read_json(root / "eval_test" / "metrics.json")
    assert (scored["num_samples"], scored["majority_class_accuracy"]) == (10, 0.7)  # final.csv
    write_reviews(root / "other.csv", ["pos"] * 10 + ["neg"] * 4)
    run_script(run_dir / "code", "evaluate.py", "--checkpoint", checkpoint,
               "--data", str(root / "other.csv"), "--out", str(root / "eval_other"))  # fmt: skip
    scored = read_json(root / "eval_other" / "metrics.json")
    assert scored["num_samples"] == 14
    assert scored["majority_class_accuracy"] == pytest.approx(10 / 14)


def test_infer_reads_the_text_from_the_named_column_and_key(run) -> None:
    root, run_dir, _ = run
    write_reviews(root / "new.csv", ["pos", "neg", "pos"])
    lines = [{"id": 1, "review": review(1, "neg")}, {"id": 2, "review": review(2, "pos")}]
    (root / "new.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    found = root / "predictions.jsonl"
    run_script(run_dir / "code", "infer.py", "--checkpoint", str(run_dir / "train" / "smoke"),
               str(root / "new.csv"), str(root / "new.jsonl"), "--out", str(found))  # fmt: skip
    rows = [json.loads(line) for line in found.read_text("utf-8").splitlines()]
    assert [row["input"] for row in rows] == [
        f"{root / 'new.csv'}:2", f"{root / 'new.csv'}:3", f"{root / 'new.csv'}:4",
        f"{root / 'new.jsonl'}:1", f"{root / 'new.jsonl'}:2",
    ]  # fmt: skip
    assert all(set(row["top"]) == {"neg", "pos"} for row in rows)
