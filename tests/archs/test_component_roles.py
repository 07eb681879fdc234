"""The plan's component roles for the text and image transformers come from the solved dims
(handlers/modalities/text.py and image.py, called by planning.make_blueprint after the
solver): they name the positions, norm, MLP, attention and head the model is built with, and
one part per component the counts find."""

from __future__ import annotations

import itertools

import pytest
from tests.archs.small_dims import LM_BASE, MLM_BASE
from tests.paths import EXAMPLE_SPECS, spec_id

from metagen.blueprint.counts import count_params
from metagen.handlers.modalities.text import (
    GELU_NAMES,
    decoder_components,
    masked_components,
)
from metagen.nn.mlp import GELU_ACTIVATIONS
from metagen.planning import make_blueprint
from metagen.spec import load_spec

DESCRIBED_ARCHS = {"decoder_lm", "encoder_mlm", "vit", "hybrid_vit"}


def _roles(bp) -> str:
    return " | ".join(role for _, role in bp.components)


def _plans():
    for path in EXAMPLE_SPECS:
        if path.parent.name not in ("text", "image"):  # the handlers that describe these
            continue
        bp = make_blueprint(load_spec(path))
        if bp.arch in DESCRIBED_ARCHS:
            yield pytest.param(bp, id=spec_id(path))


PLANS = list(_plans())


def test_every_described_arch_has_an_example():
    assert {p.values[0].arch for p in PLANS} == DESCRIBED_ARCHS


@pytest.mark.parametrize("bp", PLANS)
def test_one_role_per_counted_component_in_model_order(bp):
    assert [name for name, _ in bp.components] == list(count_params(bp.arch, bp.dims))


def test_gpt2_says_what_gpt2_is():
    bp = make_blueprint(load_spec(next(p for p in EXAMPLE_SPECS if p.stem == "gpt2")))
    roles = _roles(bp)
    for said in (
        "Learned position embeddings (1,024 positions)",
        "(LayerNorm)",
        "multi-head attention (12 heads)",
        "GELU (tanh approximation) MLP; with biases",
        "LayerNorm before the output",
        "tied to the token embedding",
    ):
        assert said in roles
    for unsaid in ("RoPE", "RMSNorm", "SwiGLU"):
        assert unsaid not in roles


def test_a_large_lm_says_gqa_rope_theta_and_an_untied_head():
    bp = make_blueprint(load_spec(next(p for p in EXAMPLE_SPECS if p.stem == "text_llm")))
    dims, roles = bp.dims, _roles(bp)
    assert dims["n_kv_heads"] < dims["n_heads"] and not dims["tie_embeddings"]
    assert f"RoPE (theta {dims['rope_theta']:,.0f})" in roles
    assert (
        f"grouped-query attention ({dims['n_heads']} query heads, "
        f"{dims['n_kv_heads']} key/value heads)" in roles
    )
    assert "SwiGLU MLP; no biases" in roles and "RMSNorm before the output" in roles
    assert "untied" in roles


def test_every_gelu_has_words():
    assert set(GELU_NAMES) == set(GELU_ACTIVATIONS)


DECODER_CHOICES = list(
    itertools.product(("rope", "learned"), ("rmsnorm", "layernorm"), ("swiglu", *GELU_NAMES))
)


@pytest.mark.parametrize(("position", "norm", "mlp"), DECODER_CHOICES)
def test_decoder_roles_follow_each_choice(position, norm, mlp):
    gelu = {"mlp": "gelu", "activation": mlp} if mlp in GELU_NAMES else {"mlp": mlp}
    dims = {**LM_BASE, "position": position, "norm": norm, **gelu, "n_kv_heads": 2}
    components = decoder_components(dims)
    assert [c.name for c in components] == list(count_params("decoder_lm", dims))
    roles = " | ".join(c.role for c in components)
    assert ("RoPE" in roles) == (position == "rope")
    assert ("Learned position" in roles) == (position == "learned")
    assert {"rmsnorm": "RMSNorm", "layernorm": "LayerNorm"}[norm] in roles
    assert (GELU_NAMES[mlp] if mlp in GELU_NAMES else "SwiGLU") in roles
    assert "grouped-query attention (4 query heads, 2 key/value heads)" in roles


@pytest.mark.parametrize(("norm_position", "pooler"), [("post", True), ("pre", False)])
def test_masked_roles_follow_the_norm_position_and_pooler(norm_position, pooler):
    dims = {**MLM_BASE, "norm_position": norm_position, "pooler": pooler}
    components = masked_components(dims)
    assert [c.name for c in components] == list(count_params("encoder_mlm", dims))
    assert f"{norm_position}-norm" in components[1].role
