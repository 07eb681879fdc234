"""The solver: largest standard shape within [0.9, 1.0] of the budget, by exact counts."""

from __future__ import annotations

import time

import pytest
from tests.paths import EXAMPLE_SPECS, seed_spec, spec_id

from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.blueprint.solver import FLOOR_RATIO
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec, parse_spec_text

LM = """
name: lm
modality: {{inputs: [text], outputs: [text]}}
constraints: {{parameter_budget: {{max: "{budget}"}}{extra}}}
training: {{objective: [autoregressive]}}
"""

IMAGE = """
name: img
modality: {{inputs: [image], outputs: [label]{image}}}
task: {{type: classification, num_classes: 10}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
architecture: {{family: {family}}}
"""


def lm_spec(budget: str, extra: str = ""):
    return parse_spec_text(LM.format(budget=budget, extra=extra))


def image_spec(budget: str, family: str, image: str = ""):
    return parse_spec_text(IMAGE.format(budget=budget, family=family, image=image))


BUDGETS = ["1M", "3M", "10M", "50M", "125M", "350M", "1.3B", "7B", "8B", "70B"]


@pytest.mark.parametrize("budget", BUDGETS)
def test_lm_lands_in_budget_window(budget: str) -> None:
    plan = plan_dict(make_blueprint(lm_spec(budget)))
    assert FLOOR_RATIO * plan["budget_max"] <= plan["params_total"] <= plan["budget_max"]
    dims = plan["dims"]
    assert dims["d_model"] % dims["n_heads"] == 0
    assert dims["n_heads"] % dims["n_kv_heads"] == 0
    assert dims["position"] == "rope"


@pytest.mark.parametrize("budget", ["1.3B", "8B", "70B"])
def test_large_lm_follows_current_practice(budget: str) -> None:
    dims = plan_dict(make_blueprint(lm_spec(budget)))["dims"]
    assert dims["norm"] == "rmsnorm" and dims["mlp"] == "swiglu"
    assert dims["n_kv_heads"] < dims["n_heads"], "GQA from 1B up"
    assert dims["tie_embeddings"] is False


@pytest.mark.parametrize("family", ["transformer", "cnn"])
@pytest.mark.parametrize("budget", ["1M", "2M", "11M", "30M", "90M"])
def test_image_lands_in_budget_window(family: str, budget: str) -> None:
    plan = plan_dict(make_blueprint(image_spec(budget, family)))
    assert FLOOR_RATIO * plan["budget_max"] <= plan["params_total"] <= plan["budget_max"]


def test_seed_text_llm_is_an_8b_class_shape() -> None:
    plan = plan_dict(make_blueprint(load_spec(seed_spec("text_llm"))))
    dims = plan["dims"]
    assert 7.2e9 <= plan["params_total"] <= 8e9
    assert dims["d_model"] >= 4096 and dims["n_layers"] >= 28
    assert dims["n_kv_heads"] == 8
    # KV cache at the 256k window: 2 (k, v) * layers * kv heads * head_dim * tokens * 2 bytes
    head_dim = dims["d_model"] // dims["n_heads"]
    expected = 2 * dims["n_layers"] * 8 * head_dim * 262_144 * 2
    assert plan["memory"]["kv_cache_bf16_bytes"] == expected


def test_impossible_budget_names_the_smallest_fit() -> None:
    with pytest.raises(PlanError, match=r"Raise constraints.parameter_budget.max to at least"):
        make_blueprint(lm_spec("20k"))


def test_memory_budget_caps_the_params() -> None:
    plan = plan_dict(make_blueprint(lm_spec("8B", ", memory_budget: 2GB")))
    assert plan["params_total"] <= 1_000_000_000  # 2 GB of bf16 weights
    assert any("Memory limit" in d for d in plan["decisions"])


@pytest.mark.parametrize("name", sorted(all_variants()))
def test_variant_plans_at_published_count(name: str) -> None:
    variant = all_variants()[name]
    per_component = count_params(variant.arch, variant.dims)
    assert variant.published_part(per_component) == variant.published_params


def test_variant_over_budget_is_an_error() -> None:
    text = (
        LM.format(budget="100M", extra="") + "architecture: {family: transformer, variant: gpt2}\n"
    )
    with pytest.raises(PlanError, match="over constraints.parameter_budget.max"):
        make_blueprint(parse_spec_text(text))


def test_unknown_variant_lists_the_catalog() -> None:
    text = (
        LM.format(budget="100M", extra="") + "architecture: {family: transformer, variant: gpt5}\n"
    )
    with pytest.raises(PlanError, match="gpt2"):
        make_blueprint(parse_spec_text(text))


def timed_solve(spec):
    start = time.perf_counter()
    bp = make_blueprint(spec)
    return time.perf_counter() - start, bp


@pytest.mark.timed
@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=spec_id)
def test_examples_solve_fast_and_exactly(path) -> None:
    spec = load_spec(path)
    # the best of three: a garbage collection mid-solve is not the solver's time
    elapsed, bp = min((timed_solve(spec) for _ in range(3)), key=lambda timed: timed[0])
    assert elapsed < 0.05, f"solving took {elapsed * 1000:.1f} ms"
    plan = plan_dict(bp)
    assert plan["params_total"] == sum(c["params"] for c in plan["components"])
    if plan["budget_max"] and not plan["variant"]:
        assert FLOOR_RATIO * plan["budget_max"] <= plan["params_total"] <= plan["budget_max"]
