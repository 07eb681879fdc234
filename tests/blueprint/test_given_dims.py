"""architecture.dims: exact dims (as `metagen import` writes them) that the solver keeps."""

from __future__ import annotations

import pytest
import yaml
from tests.paths import EXAMPLE_SPECS, EXAMPLES

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import load_spec, parse_spec_text

GPT2 = EXAMPLES / "text" / "gpt2.yaml"


def _with_dims(dims, **architecture) -> str:
    doc = yaml.safe_load(GPT2.read_text(encoding="utf-8"))
    doc["architecture"] = {"family": "transformer", "dims": dims, **architecture}
    return yaml.safe_dump(doc, sort_keys=False)


def _gpt2_dims() -> dict:
    return dict(make_blueprint(load_spec(GPT2)).dims)


def test_the_variants_dims_given_as_dims_plan_the_same_model():
    dims = _gpt2_dims()
    bp = make_blueprint(parse_spec_text(_with_dims(dims)))
    assert bp.dims == dims
    assert sum(count_params("decoder_lm", bp.dims).values()) == 124_439_808
    assert any("architecture.dims fix the shape" in d for d in bp.decisions)


def test_a_size_no_variant_has_is_kept_as_given():
    dims = {**_gpt2_dims(), "d_model": 256, "n_heads": 4, "n_kv_heads": 4, "d_ff": 1024}
    dims["n_layers"] = 3
    bp = make_blueprint(parse_spec_text(_with_dims(dims)))
    assert bp.dims == dims
    assert bp.scales["smoke"].model["n_layers"] == 2  # the smoke scale still shrinks it


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(n_experts=8), "names \\['n_experts'\\]"),
        (lambda d: d.update(n_layers="12"), "n_layers is .12., but n_layers takes a int value"),
        (lambda d: d.update(n_layers=True), "n_layers is True"),
        (lambda d: d.update(d_model=4092, d_ff=16384, n_layers=48), "over constraints"),
        (lambda d: d.update(n_kv_heads=0), "n_kv_heads is 0, outside 1 to"),
        (lambda d: d.update(n_layers=10**9), "outside 1 to 1,024"),
        (lambda d: d.update(d_model=100, n_heads=3), "d_model \\(100\\) must be divisible"),
        (lambda d: d.update(n_heads=12, n_kv_heads=5), "n_heads \\(12\\) must be divisible"),
    ],
    ids=["unknown", "string", "bool", "over-budget", "zero", "huge", "width", "gqa"],
)
def test_bad_dims_are_a_plan_error_that_says_what_to_fix(change, message):
    dims = _gpt2_dims()
    change(dims)
    with pytest.raises(PlanError, match=message):
        make_blueprint(parse_spec_text(_with_dims(dims)))


def test_a_field_left_out_takes_what_the_task_fixes_else_the_configs_default():
    spec = """
name: few_dims
modality:
  inputs: [text]
  outputs: [label]
  text: {tokenizer: bpe, vocab_size: 1000}
task: {type: classification, num_classes: 3}
architecture:
  family: transformer
  dims: {d_model: 128, n_heads: 4, d_ff: 512, pool: cls}
"""
    dims = make_blueprint(parse_spec_text(spec)).dims
    assert (dims["d_model"], dims["n_heads"], dims["d_ff"], dims["pool"]) == (128, 4, 512, "cls")
    assert (dims["num_outputs"], dims["vocab_size"]) == (3, 1000)  # the task's, the tokenizer's
    assert (dims["n_layers"], dims["norm_position"]) == (12, "post")  # the config's, the task's
    assert "norm_eps" in dims  # the handler fixes it; a float it leaves alone stays out


def test_an_int_for_a_float_field_is_that_float():
    dims = {**_gpt2_dims(), "norm_eps": 1}
    assert make_blueprint(parse_spec_text(_with_dims(dims))).dims["norm_eps"] == 1.0


def test_dims_and_a_published_variant_together_are_refused():
    with pytest.raises(PlanError, match="variant 'gpt2' both fix the shape"):
        make_blueprint(parse_spec_text(_with_dims(_gpt2_dims(), variant="gpt2")))


def test_every_example_plans_the_same_from_its_own_config_json_dims():
    """A run's config.json dims, given back as architecture.dims, plan the same model: the
    round trip that `metagen import` and a user copying a run's dims rely on."""
    for path in EXAMPLE_SPECS:
        planned = make_blueprint(load_spec(path))
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        architecture = dict(doc.get("architecture") or {})
        if planned.variant is not None:  # a published variant; a kind of model (nbeats) stays
            architecture.pop("variant")
        doc["architecture"] = {**architecture, "dims": planned.dims}
        again = make_blueprint(parse_spec_text(yaml.safe_dump(doc, sort_keys=False)))
        assert again.dims == planned.dims, path
        assert again.arch == planned.arch, path
