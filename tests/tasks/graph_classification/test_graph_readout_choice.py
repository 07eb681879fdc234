"""task.readout picks how a graph classifier pools its node vectors: the plan's dims, its
components and the built model's parameter count follow it."""

from __future__ import annotations

import pytest

from metagen.archs.build import build_from_dims
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text
from metagen.spec.errors import SpecError

SPEC = """
name: graphs
modality: {{inputs: [graph], outputs: [label]}}
task: {{type: graph_classification, num_classes: 2{readout}}}
constraints: {{parameter_budget: {{max: "200K"}}}}
architecture: {{family: gnn, variant: gin}}
"""


def plan(readout: str | None):
    text = SPEC.format(readout=f", readout: {readout}" if readout else "")
    return make_blueprint(parse_spec_text(text))


@pytest.mark.parametrize("readout", ["sum", "mean", "attention"])
def test_the_readout_the_spec_names_is_planned_and_built(readout: str) -> None:
    bp = plan(readout)
    assert bp.fixed_dims["readout"] == readout
    assert ("pool" in dict(bp.components)) == (readout == "attention")  # the gate's weights
    model = build_from_dims(bp.arch, bp.dims)
    assert sum(p.numel() for p in model.parameters()) == plan_dict(bp)["params_total"]


def test_no_readout_means_attention() -> None:
    assert plan(None).fixed_dims["readout"] == "attention"


def test_an_unknown_readout_is_refused_naming_the_choices() -> None:
    with pytest.raises(SpecError, match="unknown graph readout 'max'.*sum, mean, attention"):
        plan("max")
