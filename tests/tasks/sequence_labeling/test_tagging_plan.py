"""Planning a sequence tagger: transformer or BiLSTM, the CRF option, the tag count and the
defaults, and the errors that say what to change."""

from __future__ import annotations

import pytest

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: tagger
modality: {{inputs: [text], outputs: [label]{text}}}
task: {{type: sequence_labeling{task}}}
constraints: {{parameter_budget: {{max: "3M"}}{context}}}
architecture: {{family: {family}{variant}}}
"""


def plan(family="transformer", variant=None, task="", text="", context=""):
    spec = SPEC.format(
        family=family,
        variant=f", variant: {variant}" if variant else "",
        task=task,
        text=text,
        context=context,
    )
    return make_blueprint(parse_spec_text(spec))


@pytest.mark.parametrize(
    ("family", "variant", "encoder", "crf"),
    [
        ("transformer", None, "transformer", False),
        ("transformer", "crf", "transformer", True),
        ("rnn", None, "bilstm", False),
        ("rnn", "bilstm_crf", "bilstm", True),
    ],
)
def test_family_and_variant_pick_encoder_and_crf(family, variant, encoder, crf) -> None:
    bp = plan(family, variant)
    assert bp.arch == "sequence_tagger" and bp.task == "sequence_labeling"
    assert (bp.dims["encoder"], bp.dims["crf"], bp.dims["num_classes"]) == (encoder, crf, 9)
    params = count_params(bp.arch, bp.dims)
    assert ("crf" in params) == crf
    assert sum(params.values()) <= 3_000_000
    assert bp.metrics[:2] == ["loss", "entity_f1"]


def test_defaults_and_spec_sizes() -> None:
    bp = plan()
    assert (bp.dims["vocab_size"], bp.dims["max_len"]) == (8192, 128)
    assert any("No task.num_classes" in d for d in bp.decisions)
    bp = plan(
        task=", num_classes: 5", text=", text: {vocab_size: 2000}", context=", context_window: 40"
    )
    assert (bp.dims["vocab_size"], bp.dims["max_len"], bp.dims["num_classes"]) == (2000, 40, 5)
    assert bp.scales["full"].data["seq_len"] == 40


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": ", num_classes: 4"}, r"num_classes \(4\) counts BIO tags.*an odd number"),
        ({"family": "cnn"}, r"family 'cnn' does not tag sequences here"),
        ({"variant": "bert_base"}, r"variant 'bert_base' is not a transformer tagger; known: crf"),
    ],
)
def test_bad_taggers_are_plan_errors(kwargs, message) -> None:
    with pytest.raises(PlanError, match=message):
        plan(**kwargs)
