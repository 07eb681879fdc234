"""Every example spec with a fusion section (the fusion guide's applications), smoke-trained
as a user runs it: held-out accuracy above the best any single input can reach, and each
input removed at most the ceiling without it (the data's own numbers, data_info.json's
ceilings); a staged example records its stages in metrics.json and the model card."""

from __future__ import annotations

import pytest
from tests.e2e.runs import metagen_train, read_json
from tests.paths import EXAMPLE_SPECS, spec_id

from metagen.spec import load_spec

FUSION_EXAMPLES = [path for path in EXAMPLE_SPECS if load_spec(path).fusion is not None]
MARGIN = 0.1  # above the best single input's ceiling
SLACK = 0.07  # sampling noise of a few hundred held-out samples around a removal's ceiling


def test_the_fusion_applications_are_examples() -> None:
    assert {spec_id(path) for path in FUSION_EXAMPLES} >= {
        "multimodal/fusion_image_caption.yaml", "multimodal/fusion_trimodal.yaml",
    }  # fmt: skip


@pytest.mark.parametrize("spec", FUSION_EXAMPLES, ids=spec_id)
def test_fusion_example_needs_every_input(spec, tmp_path) -> None:
    result, _ = metagen_train(str(spec), "--scale", "smoke", "--out", str(tmp_path),
                              "--run-id", "f")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "f" / "train" / "smoke"
    metrics, info = read_json(out / "metrics.json"), read_json(out / "data_info.json")
    held_out, ceilings = metrics["eval"], info["ceilings"]
    alone = max(ceilings[f"only {name}"] for name in info["inputs"])
    assert held_out["accuracy"] >= alone + MARGIN, (held_out, ceilings)
    assert held_out["accuracy"] > held_out["majority_class_accuracy"] + MARGIN
    for name in info["inputs"]:
        without = held_out[f"accuracy_without_{name}"]
        assert without <= ceilings[f"without {name}"] + SLACK, (name, held_out)
    stages = load_spec(spec).training.stages
    if stages:
        assert [s["name"] for s in metrics["stages"]] == [s.name for s in stages]
        assert metrics["stages"][-1]["last_step"] == metrics["steps"]
        card = (tmp_path / "f" / "docs" / "model_card.md").read_text()
        assert "Trained in stages" in card and f"| {stages[0].name} | 1-" in card
