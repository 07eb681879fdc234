"""Planning panoptic segmentation: SegFormer or U-Net with Panoptic-DeepLab's instance head,
thing classes after the synthetic scenes' two stuff classes, and errors that say how to fix."""

from __future__ import annotations

import pytest

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text

SPEC = """
name: pan
modality: {{inputs: [image], outputs: [segmentation_mask], image: {{image_size: 64}}}}
task: {{type: panoptic_segmentation{classes}}}
constraints: {{parameter_budget: {{max: "2M"}}}}
architecture: {{family: {family}}}
"""


def plan(family="transformer", classes=6):
    text = SPEC.format(
        family=family, classes="" if classes is None else f", num_classes: {classes}"
    )
    return make_blueprint(parse_spec_text(text))


@pytest.mark.parametrize(("family", "arch"), [("transformer", "segformer"), ("unet", "seg_unet")])
def test_segmenter_gets_the_instance_head(family, arch):
    bp = plan(family)
    assert (bp.arch, bp.task, bp.loss) == (arch, "panoptic_segmentation", "panoptic_segmentation")
    assert bp.dims["instance_head"] and bp.dims["thing_classes"] == [2, 3, 4, 5]
    components = count_params(arch, bp.dims)
    assert "instance_head" in components
    assert [name for name, _ in bp.components] == list(components)
    assert {"pq", "sq", "rq", "baseline_pq"} <= set(bp.metrics)
    assert bp.data["synthetic_classes"] == 6
    assert plan_dict(bp)["params_total"] <= 2_000_000


def test_default_and_smallest_class_counts():
    bp = plan(classes=None)
    assert bp.dims["num_classes"] == 133 and bp.data["synthetic_classes"] == 38
    assert any("COCO panoptic" in d for d in bp.decisions)
    two = plan(classes=2)  # one stuff and one thing class; the scenes need three
    assert two.dims["thing_classes"] == [1] and two.data["synthetic_classes"] == 3
    with pytest.raises(PlanError, match=r"task.num_classes \(1\) must be at least 2"):
        plan(classes=1)


def test_hybrid_family_is_refused():
    with pytest.raises(PlanError, match="cannot build a panoptic segmentation model"):
        plan("hybrid")
