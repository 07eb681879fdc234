"""training.stages: progressive training in the spec. Each way a stage list contradicts
itself is a located one-paragraph error; planning checks the parts against the
architecture's, shows the stages, runs them as given at the full scale and shares the smoke
scale's steps among them in proportion."""

from __future__ import annotations

import pytest

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import SpecError, parse_spec_text

FUSION = """name: staged
modality: {inputs: [image, text], outputs: [label]}
task: {type: classification}
fusion: {strategy: late}
training:
"""
STAGES = """  stages:
    - {name: encoders, steps: 600, train: [preprocess, encoders, head]}
    - {name: fusion, steps: 300, train: [fusion, head], learning_rate: 1e-3}
    - {name: all, steps: 300}
"""


def _error(training: str, base: str = FUSION) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec_text(base + training, source="spec.yaml")
    return str(info.value)


def test_stages_load_with_their_defaults() -> None:
    stages = parse_spec_text(FUSION + STAGES).training.stages
    assert [(s.name, s.steps, s.train, s.learning_rate) for s in stages] == [
        ("encoders", 600, ["preprocess", "encoders", "head"], None),
        ("fusion", 300, ["fusion", "head"], 1e-3),
        ("all", 300, "all", None),
    ]


@pytest.mark.parametrize(
    ("training", "where", "says"),
    [
        ("  stages: [{name: a, steps: 5, train: most}]", "training.stages[0].train",
         "neither 'all' nor a list"),
        ("  stages: [{name: a, steps: 5, train: []}]", "training.stages[0].train",
         "lists no part"),
        ("  stages: [{name: a, steps: 5, train: [head, head]}]", "training.stages[0].train",
         "names a part twice"),
        ("  stages: [{name: a, steps: 0}]", "training.stages[0].steps", "at least 1"),
        ("  stages: [{name: a, steps: 5}, {name: a, steps: 5}]", "training.stages[1]",
         "two stages are named 'a'"),
        ("  steps: 1000\n" + STAGES, "training.stages", "add up to 1200"),
        ("  stages: [{name: a, steps: 5, lr: 0.1}]", "training.stages[0]", "lr"),
    ],
)  # fmt: skip
def test_inconsistent_stages_are_located(training: str, where: str, says: str) -> None:
    message = _error(training)
    assert where in message and says in message, message
    assert "Traceback" not in message


def test_the_plan_runs_the_stages_and_scales_them_for_smoke() -> None:
    bp = make_blueprint(parse_spec_text(FUSION + STAGES))
    full, smoke = bp.scales["full"].train, bp.scales["smoke"].train
    assert full["steps"] == 1200
    assert [(s["name"], s["steps"], s["train"], s["lr"]) for s in full["stages"]] == [
        ("encoders", 600, ["preprocess", "encoders", "head"], None),
        ("fusion", 300, ["fusion", "head"], 1e-3),
        ("all", 300, "all", None),
    ]
    shares = [s["steps"] for s in smoke["stages"]]
    assert sum(shares) == smoke["steps"] and shares[0] == 2 * shares[1] == 2 * shares[2]
    assert any("Trains in 3 stages" in d and "fusion frozen" in d for d in bp.decisions)


def test_parts_the_architecture_lacks_are_refused() -> None:
    unknown = STAGES.replace("[fusion, head]", "[fusion, decoder]")
    with pytest.raises(PlanError, match="trains decoder, which this fusion_net does not have; "
                                        "its parts are preprocess, encoders, fusion, head"):  # fmt: skip
        make_blueprint(parse_spec_text(FUSION + unknown))
    early = FUSION.replace("strategy: late", "strategy: early")  # one joint encoder, in fusion
    with pytest.raises(PlanError, match="trains encoders, which this fusion_net does not have; "
                                        "its parts are preprocess, fusion, head"):  # fmt: skip
        make_blueprint(parse_spec_text(early + STAGES))


def test_an_architecture_without_named_parts_refuses_stages() -> None:
    tabular = """name: t
modality: {inputs: [tabular], outputs: [label], tabular: {num_features: 4}}
task: {type: classification, num_classes: 3}
training:
"""
    with pytest.raises(PlanError, match="names no parts yet"):
        make_blueprint(parse_spec_text(tabular + "  stages: [{name: a, steps: 5}]\n"))


VLM = """name: v
modality: {inputs: [text, image], outputs: [text], image: {image_size: 32, patch_size: 8}}
constraints: {parameter_budget: {max: "8M"}, context_window: 32}
training:
  objective: [autoregressive]
  stages:
    - {name: vision, steps: 20, train: [vision_encoder, connector]}
    - {name: all, steps: 10}
architecture: {family: transformer, fusion: FUSION}
"""


def test_a_vlm_names_the_parts_its_fusion_has() -> None:
    bp = make_blueprint(parse_spec_text(VLM.replace("FUSION", "early")))
    assert any("vision (20 steps: trains vision_encoder, connector; language_model frozen)" in d
               for d in bp.decisions)  # fmt: skip
    crossed = VLM.replace("FUSION", "early").replace("connector]", "connector, cross_attention]")
    with pytest.raises(PlanError, match="trains cross_attention, which this vlm does not have"):
        make_blueprint(parse_spec_text(crossed))
    bp = make_blueprint(
        parse_spec_text(crossed.replace("fusion: early", "fusion: cross_attention"))
    )
    assert bp.scales["full"].train["stages"][0]["train"] == [
        "vision_encoder", "connector", "cross_attention"]  # fmt: skip
