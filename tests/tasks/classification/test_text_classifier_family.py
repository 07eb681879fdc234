"""Which model a text classifier gets: fastText (family mlp) when the spec names neither a
family nor a variant, the transformer when it names one (family transformer, or bert_base),
and fastText for classification only (another text task with family mlp is refused)."""

from __future__ import annotations

import pytest
import yaml
from tests.paths import EXAMPLES

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec.loader import load_spec

BASE = {
    "metagen_version": "1.0",
    "name": "texts",
    "modality": {"inputs": ["text"], "outputs": ["label"]},
    "task": {"type": "classification", "num_classes": 3},
}


def planned(tmp_path, **sections):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({**BASE, **sections}), encoding="utf-8")
    return make_blueprint(load_spec(path))


def test_the_example_plans_fasttext_with_a_word_vocabulary() -> None:
    bp = make_blueprint(load_spec(EXAMPLES / "text" / "text_classifier.yaml"))
    assert (bp.arch, bp.family, bp.task) == ("fasttext", "mlp", "classification")
    full, smoke = bp.scales["full"], bp.scales["smoke"]
    assert full.data["tokenizer"] == "word"
    # the tokenizer's ids fit the embedding at both scales
    assert full.data["vocab_size"] == full.model["vocab_size"]
    assert smoke.data["vocab_size"] == smoke.model["vocab_size"]
    assert full.data["seq_len"] > 2_000  # whole documents: a news article is ~500 words
    assert "max_epochs" not in full.train  # passes from the training set's size
    assert any("transformer" in d and "family" in d for d in bp.decisions)


def test_a_spec_without_family_or_variant_gets_fasttext(tmp_path) -> None:
    assert planned(tmp_path).arch == "fasttext"


@pytest.mark.parametrize(
    "architecture",
    [{"family": "transformer"}, {"variant": "bert_base"}],
    ids=["family", "variant"],
)
def test_a_named_transformer_stays(tmp_path, architecture) -> None:
    sections = {"architecture": architecture}
    if "variant" in architecture:
        sections["constraints"] = {"parameter_budget": {"max": "120M"}}
    bp = planned(tmp_path, **sections)
    assert (bp.arch, bp.family) == ("text_encoder", "transformer")
    assert bp.scales["full"].data["tokenizer"] == "byte"


def test_the_bert_example_stays_bert() -> None:
    bp = make_blueprint(load_spec(EXAMPLES / "text" / "text_classifier_bert.yaml"))
    assert (bp.arch, bp.variant) == ("text_encoder", "bert_base")


def test_a_bpe_spec_trains_its_bpe_for_fasttext(tmp_path) -> None:
    text = {"tokenizer": "bpe", "vocab_size": 4000}
    bp = planned(tmp_path, modality={**BASE["modality"], "text": text})
    assert bp.arch == "fasttext"
    assert bp.scales["full"].data["tokenizer"] == "bpe"
    assert bp.scales["full"].model["vocab_size"] == 4000


def test_fasttext_is_for_classification_only(tmp_path) -> None:
    with pytest.raises(PlanError, match="builds it with family transformer"):
        planned(
            tmp_path,
            task={"type": "regression"},
            modality={"inputs": ["text"], "outputs": ["value"]},
            architecture={"family": "mlp"},
        )
    bp = planned(
        tmp_path, task={"type": "regression"}, modality={"inputs": ["text"], "outputs": ["value"]}
    )
    assert bp.arch == "text_encoder"  # other text tasks keep their default


def _texts(path, count: int) -> str:
    path.write_text("".join(f'{{"text": "t {i}", "label": "{i % 3}"}}\n' for i in range(count)))
    return str(path)


def test_a_large_labelled_set_on_an_accelerator_gets_the_transformer(tmp_path, monkeypatch):
    from metagen.handlers.tasks import task_encoders

    monkeypatch.setattr(task_encoders, "LARGE_TEXT_SET", 10)  # a million, for real
    large, small = _texts(tmp_path / "large.jsonl", 12), _texts(tmp_path / "small.jsonl", 9)
    gpu = {"device": "datacenter_gpu", "parameter_budget": {"max": "5M"}}
    bp = planned(tmp_path, data={"path": large}, constraints=gpu)
    assert (bp.family, bp.arch) == ("transformer", "text_encoder")
    assert any(d.startswith("The training data holds 10 texts or more") for d in bp.decisions)
    # on a CPU the set stays with fastText, and the plan says how to get the transformer
    bp = planned(tmp_path, data={"path": large}, constraints={"device": "cpu"})
    assert bp.family == "mlp"
    (said,) = [d for d in bp.decisions if d.startswith("The training data holds")]
    assert "trains a transformer for days on a cpu: fastText" in said
    # a smaller set, or a family the spec names, is not second-guessed
    assert planned(tmp_path, data={"path": small}, constraints=gpu).family == "mlp"
    named = planned(tmp_path, data={"path": large}, constraints=gpu, architecture={"family": "mlp"})
    assert named.family == "mlp"
    assert not any(d.startswith("The training data holds") for d in named.decisions)


def test_texts_are_counted_in_the_file_training_reads(tmp_path) -> None:
    from metagen.handlers.tasks.text_set_size import training_text_count

    folder = tmp_path / "texts"
    folder.mkdir()
    # a quoted CSV text may span lines: 3 rows after the header
    (folder / "train.csv").write_text('text,label\n"one\ntwo",a\nthree,b\n"four, five",a\n')
    assert training_text_count(str(folder), None, 100) == 3
    assert training_text_count(str(folder / "train.csv"), None, 2) == 2  # counted up to 2
    _texts(folder / "fit.jsonl", 5)
    (folder / "blank.jsonl").write_text('{"text": "a", "label": "x"}\n\n  \n')
    assert training_text_count(str(folder), "fit.jsonl", 100) == 5
    assert training_text_count(str(folder / "blank.jsonl"), None, 100) == 1
    assert training_text_count(str(tmp_path / "missing"), None, 100) is None
    assert training_text_count(None, None, 100) is None
