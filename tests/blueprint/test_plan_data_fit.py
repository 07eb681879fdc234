"""The plan states the size training will take for the data it gets: the budget is a maximum,
and train.py trains the smoke scale's dims on a dataset too small for the full size."""

from __future__ import annotations

from tests.paths import EXAMPLES, REPO

from metagen.planning import PARAMS_PER_SAMPLE, make_blueprint, plan_dict
from metagen.spec import load_spec


def _plan(relative: str) -> dict:
    return plan_dict(make_blueprint(load_spec(EXAMPLES / relative)))


def test_the_plan_says_how_many_samples_keep_the_full_size():
    plan = _plan("tabular/tabular_classifier.yaml")
    samples = -(-plan["params_total"] // PARAMS_PER_SAMPLE)
    stated = next(d for d in plan["decisions"] if d.startswith("Sized to the data"))
    assert f"keeps these {plan['params_total']:,} parameters for at least {samples:,}" in stated
    assert f"smoke scale's dims ({plan['smoke']['params_total']:,} parameters)" in stated


def test_a_named_variant_or_an_agent_states_no_data_fitted_size():
    for relative in ("text/gpt2.yaml", "rl/cartpole_ppo.yaml"):
        assert not any(d.startswith("Sized to the data") for d in _plan(relative)["decisions"])


def test_train_py_applies_the_rule_the_plan_states():
    template = REPO / "src" / "metagen" / "codegen" / "templates" / "train.py.j2"
    text = template.read_text(encoding="utf-8")
    assert f"PARAMS_PER_SAMPLE = {PARAMS_PER_SAMPLE:_}" in text


def test_each_scale_carries_its_forward_flops_for_train_pys_estimate():
    from metagen.blueprint.counts import count_flops
    from metagen.blueprint.sample import sample_of

    bp = make_blueprint(load_spec(EXAMPLES / "text" / "long_document_classifier.yaml"))
    scales = bp.to_config()["scales"]
    for name in ("full", "smoke"):
        model, data = scales[name]["model"], scales[name]["data"]
        sample, _ = sample_of(data, model)
        assert sample == {"seq_len": data["seq_len"]}
        expected = count_flops(bp.arch, model, **sample)
        assert scales[name]["train"]["flops_per_sample"] == expected > 0
    # a text in 8 chunks costs 8 texts' trunk
    full = scales["full"]
    whole = {k: v for k, v in full["model"].items() if k != "chunks"}
    assert full["train"]["flops_per_sample"] > 7 * count_flops(bp.arch, whole, seq_len=128)
