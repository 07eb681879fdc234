"""image_to_code's data and evaluator: the pairs a generator folder holds become batches with
their references and the two most-common-code baselines; the evaluator, given a writer whose
code is known (the references themselves, the baselines', broken and hostile code), scores
exactly what that code does."""

from __future__ import annotations

import collections
import importlib.util
import json
import math

import pytest
import torch

from metagen.data.tokenizer import ByteTokenizer
from metagen.datagen.image_to_code.pairs import write_pairs
from metagen.evaluate.evaluation import evaluate_model
from metagen.tasks.image_to_code.data import image_code_datasets, read_code_pairs
from metagen.tasks.image_to_code.evaluate import evaluate_image_to_code

torch.set_num_threads(1)
CFG = {"image_size": 32, "channels": 3, "seq_len": 448, "val_fraction": 0.25}
needs_matplotlib = pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None,
                                      reason="charts need matplotlib")  # fmt: skip


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("i2c") / "pairs"
    write_pairs(folder, 60, seed=0)
    return folder


@pytest.fixture(scope="module")
def datasets(pairs):
    return image_code_datasets(CFG, str(pairs), 0)


class Writer(torch.nn.Module):
    """Writes the given texts, in order, one per picture; its logits are uniform."""

    def __init__(self, texts: list[str], vocab: int = 320):
        super().__init__()
        self.texts, self.vocab = list(texts), vocab
        self.weight = torch.nn.Parameter(torch.zeros(1))  # evaluate_model reads the device

    def forward(self, images, input_ids):
        return torch.zeros(*input_ids.shape, self.vocab)

    def generate(self, images, prompt, max_new_tokens, temperature, eos_id):
        tokenizer, rows = ByteTokenizer(), []
        for _ in range(images.size(0)):
            ids = tokenizer.encode(self.texts.pop(0))[: max_new_tokens - 1] + [eos_id]
            rows.append(prompt[0].tolist() + ids + [tokenizer.pad_id] * (max_new_tokens - len(ids)))
        return torch.tensor(rows)


def _evaluate(held_out, texts):
    return evaluate_model(Writer(texts), evaluate_image_to_code, held_out, batch_size=8)


def test_samples_carry_their_reference_and_the_two_baselines(pairs, datasets) -> None:
    train, held_out, info = datasets
    lines = [json.loads(line) for line in (pairs / "train.jsonl").read_text().splitlines()]
    overall = collections.Counter(line["caption"] for line in lines).most_common(1)[0][0]
    batch = held_out.collate([held_out[i] for i in range(3)])
    assert batch["images"].shape == (3, 3, 32, 32) and batch["input_ids"].shape == (3, 447)
    val = [json.loads(line) for line in (pairs / "val.jsonl").read_text().splitlines()]
    for reference, line in zip(batch["reference"], val, strict=False):
        assert reference["target"] == line["caption"] and reference["kind"] == line["kind"]
        assert reference["baseline"] == overall
        same_kind = [x["caption"] for x in lines if x["kind"] == line["kind"]]
        assert reference["kind_baseline"] == collections.Counter(same_kind).most_common(1)[0][0]
    assert info["kinds"] == dict(collections.Counter(line["kind"] for line in val))
    assert len(train) == len(lines) and info["val_captions_cut"] == 0


@needs_matplotlib
def test_the_references_themselves_score_full_marks(datasets) -> None:
    _, held_out, _ = datasets
    results = _evaluate(held_out, [r["target"] for r in held_out.references])
    assert results["exact_match"] == 1.0 and results["bleu"] == pytest.approx(100.0)
    for name in ("attribute_accuracy", "html_parse_rate", "html_attribute_accuracy",
                 "chart_run_rate", "chart_attribute_accuracy", "function_compile_rate",
                 "function_checks_passed"):  # fmt: skip
        assert results[name] == 1.0, name
    assert results["loss"] == pytest.approx(math.log(320), rel=1e-6)  # uniform logits
    assert results["num_samples"] == len(held_out)


@needs_matplotlib
def test_writing_a_baselines_code_scores_as_that_baseline(datasets) -> None:
    _, held_out, _ = datasets
    results = _evaluate(held_out, [r["kind_baseline"] for r in held_out.references])
    for name in ("exact_match", "bleu", "attribute_accuracy", "html_attribute_accuracy",
                 "chart_attribute_accuracy", "function_checks_passed"):  # fmt: skip
        assert results[name] == pytest.approx(results[f"kind_baseline_{name}"]), name
    # told the kind, the baseline writes code that parses, runs and compiles
    assert results["kind_baseline_html_parse_rate"] == 1.0
    assert results["kind_baseline_chart_run_rate"] == 1.0
    assert results["kind_baseline_attribute_accuracy"] < 1.0


def test_broken_and_hostile_code_score_nothing(datasets, tmp_path) -> None:
    _, held_out, _ = datasets
    target = tmp_path / "owned.txt"
    hostile = f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n    return 0\n"
    texts = [hostile if r["kind"] == "flowchart" else "<span" for r in held_out.references]
    results = _evaluate(held_out, texts)
    assert not target.exists()
    assert results["html_parse_rate"] == 0.0 and results["chart_run_rate"] == 0.0
    assert results["function_compile_rate"] == 1.0 and results["function_checks_passed"] == 0.0
    assert results["attribute_accuracy"] == 0.0 and results["exact_match"] == 0.0


def test_synthetic_data_points_to_the_generator() -> None:
    with pytest.raises(ValueError, match="metagen data image-to-code --out DIR"):
        image_code_datasets(CFG, "synthetic", 0)


def test_a_bad_line_is_named_with_its_fix(pairs, tmp_path) -> None:
    good = (pairs / "train.jsonl").read_text().splitlines()[0]
    image = str(pairs / json.loads(good)["image"])
    cases = {
        "not valid JSON": "{oops",
        'it needs "code"': json.dumps({"image": image}),
        'a chart line needs "chart"': json.dumps({"image": image, "code": "x", "kind": "chart"}),
        "a flowchart line needs": json.dumps(
            {"image": image, "code": "x", "kind": "flowchart", "checks": [1, 2]}
        ),
        "does not exist": json.dumps({"image": "missing.png", "code": "x"}),
    }
    for message, line in cases.items():
        path = tmp_path / "pairs.jsonl"
        path.write_text(good.replace('"images/', f'"{pairs}/images/') + "\n" + line + "\n")
        with pytest.raises((ValueError, FileNotFoundError), match=message) as error:
            read_code_pairs(path)
        assert "line 2" in str(error.value)


def test_one_jsonl_file_is_split_by_val_fraction(pairs, tmp_path) -> None:
    lines = (pairs / "train.jsonl").read_text().splitlines()[:20]
    path = tmp_path / "mine.jsonl"
    path.write_text(
        "\n".join(line.replace('"images/', f'"{pairs}/images/') for line in lines) + "\n"
    )
    train, held_out, _ = image_code_datasets(CFG, str(path), 0)
    assert (len(train), len(held_out)) == (15, 5)


def test_a_held_out_file_named_alone_is_read_whole(pairs) -> None:
    """evaluate.py --data DIR/test.jsonl scores the test split, the combinations held out of
    both training and validation, with the training split's baselines."""
    train, held_out, _ = image_code_datasets(CFG, str(pairs / "test.jsonl"), 0)
    test_lines = (pairs / "test.jsonl").read_text().splitlines()
    assert len(held_out) == len(test_lines)
    assert [r["target"] for r in held_out.references] == [
        json.loads(line)["caption"] for line in test_lines
    ]
    assert len(train) == len((pairs / "train.jsonl").read_text().splitlines())
