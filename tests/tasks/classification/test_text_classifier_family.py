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
    assert full.train["max_epochs"] == 5
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
