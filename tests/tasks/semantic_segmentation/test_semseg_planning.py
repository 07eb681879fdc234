"""Planning semantic segmentation: routing by family, the spec's sizes and classes, errors that
say how to fix the spec, the shape grids filling the budget, and the named variants."""

from __future__ import annotations

import pytest

from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.blueprint.solver import FLOOR_RATIO
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import parse_spec_text
from metagen.spec.errors import SpecError

SPEC = """
name: seg
modality: {{inputs: [{inputs}], outputs: [segmentation_mask]{image}}}
task: {{type: semantic_segmentation{classes}}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
architecture: {{family: {family}{variant}}}
"""


def plan(
    family="unet",
    budget="2M",
    classes=5,
    image=", image: {image_size: 64}",
    inputs="image",
    variant="",
):
    text = SPEC.format(
        family=family,
        budget=budget,
        image=image,
        inputs=inputs,
        classes="" if classes is None else f", num_classes: {classes}",
        variant=f", variant: {variant}" if variant else "",
    )
    return make_blueprint(parse_spec_text(text))


@pytest.mark.parametrize(
    ("family", "arch"), [("unet", "seg_unet"), ("cnn", "seg_unet"), ("transformer", "segformer")]
)
def test_family_picks_the_segmenter(family, arch):
    bp = plan(family)
    assert (bp.arch, bp.task, bp.loss) == (arch, "semantic_segmentation", "semantic_segmentation")
    assert bp.dims["num_classes"] == 5 and bp.dims["image_size"] == 64
    assert not bp.dims["instance_head"]
    assert "mean_iou" in bp.metrics and "baseline_mean_iou" in bp.metrics
    assert [name for name, _ in bp.components] == list(count_params(arch, bp.dims))
    assert bp.scales["smoke"].data["image_size"] == bp.scales["smoke"].model["image_size"]
    assert bp.data["synthetic_classes"] == 5


def test_defaults_are_stated_in_the_decisions():
    bp = plan(classes=None, image="")
    assert (bp.dims["num_classes"], bp.dims["image_size"]) == (21, 256)
    decisions = " ".join(bp.decisions)
    assert "No task.num_classes" in decisions and "No modality.image size" in decisions


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"classes": 1}, r"task.num_classes \(1\) must be at least 2"),
        ({"family": "hybrid"}, r"use unet or cnn \(a U-Net\) or transformer \(SegFormer\)"),
        (
            {"family": "transformer", "image": ", image: {image_size: 30}"},
            r"image_size \(30\) must be a multiple of 4 and at least 32",
        ),
        ({"image": ", image: {image_size: 15}"}, r"image_size \(15\) must be even and at least 16"),
    ],
)
def test_spec_errors_say_how_to_fix(kwargs, message):
    with pytest.raises(PlanError, match=message):
        plan(**kwargs)


def test_text_input_is_a_spec_error():
    with pytest.raises(SpecError, match=r"semantic_segmentation needs image"):
        plan(inputs="text", image="")


@pytest.mark.parametrize("family", ["unet", "transformer"])
@pytest.mark.parametrize("budget", ["300k", "1M", "3M", "10M", "30M", "100M"])
def test_solver_fills_the_budget(family, budget):
    result = plan_dict(plan(family, budget=budget, image=", image: {image_size: 128}"))
    assert FLOOR_RATIO * result["budget_max"] <= result["params_total"] <= result["budget_max"]


def test_unet_levels_follow_the_image_size():
    assert plan(image=", image: {image_size: 256}").dims["levels"] == 5
    assert plan(image=", image: {image_size: 48}").dims["levels"] == 3  # 48, 24, 12
    assert plan(image=", image: {image_size: 16}").dims["levels"] == 2


# Published counts, quoted independently of the catalog: SegFormer-B0 with the ADE20K head
# (HF nvidia/segformer-b0-finetuned-ade-512-512), and the U-Net of milesial/Pytorch-UNet
# (BatchNorm, padded convs, transposed-conv upsampling; 3 channels in, 2 classes).
PUBLISHED = {"segformer_b0": 3_752_694, "unet": 31_037_698}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_segmentation_variants_quote_the_published_counts(name):
    variant = all_variants()[name]
    assert variant.published_params == PUBLISHED[name]
    assert sum(count_params(variant.arch, variant.dims).values()) == PUBLISHED[name]


def test_a_variant_with_other_classes_reports_the_difference():
    bp = plan("transformer", budget="10M", classes=2, variant="segformer_b0")
    assert sum(count_params("segformer", bp.dims).values()) == 3_714_658  # 148 fewer classes
    assert any("published count 3,752,694 is for num_classes=150" in d for d in bp.decisions)
