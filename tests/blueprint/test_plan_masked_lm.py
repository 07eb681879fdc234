"""The text handler routes the masked objective to a BERT-style encoder; bert_base plans at
its published count with the MLM head shown as its own component."""

from __future__ import annotations

import pytest

from metagen.blueprint.model import PlanError
from metagen.blueprint.solver import FLOOR_RATIO
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text

MLM = """
name: mlm
modality: {{inputs: [text], outputs: [text]{text}}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
training: {{objective: [{objectives}]}}
"""


def spec(budget="10M", objectives="masked", text="", variant=""):
    body = MLM.format(budget=budget, objectives=objectives, text=text)
    if variant:
        body += f"architecture: {{family: transformer, variant: {variant}}}\n"
    return parse_spec_text(body)


@pytest.mark.parametrize("budget", ["3M", "10M", "110M", "340M", "1B"])
def test_masked_objective_plans_a_bert_shaped_encoder_in_budget(budget):
    plan = plan_dict(make_blueprint(spec(budget)))
    assert (plan["arch"], plan["task"], plan["loss"]) == ("encoder_mlm", "masked_lm", "masked_lm")
    assert FLOOR_RATIO * plan["budget_max"] <= plan["params_total"] <= plan["budget_max"]
    dims = plan["dims"]
    assert dims["d_model"] // dims["n_heads"] == 64 and dims["d_ff"] == 4 * dims["d_model"]
    assert dims["norm_position"] == "post" and dims["pooler"] is False
    assert dims["vocab_size"] == 320 and dims["context_length"] == 512
    assert [c["name"] for c in plan["components"]] == ["embeddings", "blocks", "mlm_head"]
    assert "no_context_baseline_loss" in plan["metrics"]
    assert "unigram_baseline_loss" in plan["metrics"]


def test_autoregressive_still_plans_a_decoder():
    plan = plan_dict(make_blueprint(spec(objectives="autoregressive")))
    assert (plan["arch"], plan["task"]) == ("decoder_lm", "language_modeling")


def test_both_text_objectives_at_once_is_a_plan_error():
    with pytest.raises(PlanError, match="a text model trains with one"):
        make_blueprint(spec(objectives="autoregressive, masked"))


def test_vocab_must_hold_the_mask_id():
    with pytest.raises(PlanError, match=r"vocab_size \(259\).*260 ids"):
        make_blueprint(spec(text=", text: {vocab_size: 259}"))
    assert (
        plan_dict(make_blueprint(spec(text=", text: {vocab_size: 260}")))["dims"]["vocab_size"]
        == 260
    )


def test_bert_base_plan_states_what_the_published_count_covers():
    plan = plan_dict(make_blueprint(spec("120M", variant="bert_base")))
    components = {c["name"]: c["params"] for c in plan["components"]}
    assert list(components) == ["embeddings", "blocks", "pooler", "mlm_head"]
    assert components["embeddings"] + components["blocks"] + components["pooler"] == 109_482_240
    assert components["mlm_head"] == 622_650
    assert plan["params_total"] == 110_104_890
    assert any(
        "published 109,482,240 counts embeddings, blocks, pooler" in d and "mlm_head (622,650)" in d
        for d in plan["decisions"]
    )
    assert "pooler" in {a["name"] for a in plan["architecture"]}
    # Smoke keeps the topology (post-norm, pooler, two token types) at small dims.
    smoke = plan["smoke"]["dims"]
    assert smoke["pooler"] is True and smoke["type_vocab_size"] == 2
    assert smoke["vocab_size"] == 320 and smoke["d_model"] == 128


def test_bert_base_over_budget_is_an_error():
    with pytest.raises(PlanError, match="over constraints.parameter_budget.max"):
        make_blueprint(spec("100M", variant="bert_base"))
