"""The GELU registry (nn/mlp.py): three different functions, chosen by each arch that has the
`activation` field, reaching every GELU MLP and changing no parameter."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims, model_classes
from metagen.archs.registry import archs
from metagen.nn.mlp import GELU_ACTIVATIONS, GeluMLP

WITH_ACTIVATION = sorted(
    name
    for name in archs()
    if "activation" in {f.name for f in dataclasses.fields(model_classes(name)[0])}
)


def test_the_names_are_three_different_functions():
    x = torch.linspace(-4, 4, 801)
    outputs = {name: gelu(x) for name, gelu in GELU_ACTIVATIONS.items()}
    assert set(outputs) == {"gelu", "gelu_tanh", "quick_gelu"}
    for a in outputs:
        for b in outputs:
            assert a == b or float((outputs[a] - outputs[b]).abs().max()) > 1e-4


@pytest.mark.parametrize("arch_name", ["decoder_lm", "clip", "vit", "hybrid_vit", "vlm"])
def test_an_unknown_activation_is_refused_by_name(arch_name):
    dims = {**next(iter(SMALL_DIMS[arch_name].values())), "activation": "relu"}
    with pytest.raises(ValueError, match="activation must be one of .* got 'relu'"):
        build_from_dims(arch_name, dims)


def test_every_arch_with_the_field_is_covered():
    assert {"decoder_lm", "clip", "vit", "hybrid_vit", "vlm"} <= set(WITH_ACTIVATION)


@pytest.mark.parametrize("arch_name", WITH_ACTIVATION)
@pytest.mark.parametrize("activation", sorted(GELU_ACTIVATIONS))
def test_the_activation_reaches_every_gelu_mlp_and_changes_no_parameter(arch_name, activation):
    for small in SMALL_DIMS[arch_name].values():
        dims = {**small, "mlp": "gelu"} if "mlp" in small else small  # SwiGLU has no GELU
        with torch.device("meta"):
            default = build_from_dims(arch_name, dims)
            chosen = build_from_dims(arch_name, {**dims, "activation": activation})
        mlps = [m for m in chosen.modules() if isinstance(m, GeluMLP)]
        assert mlps and all(m.act is GELU_ACTIVATIONS[activation] for m in mlps)
        shapes = {k: v.shape for k, v in chosen.state_dict().items()}
        assert shapes == {k: v.shape for k, v in default.state_dict().items()}
