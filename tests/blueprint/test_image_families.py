"""Planning the image diffusion (U-Net) and hybrid (conv stem + ViT) families."""

from __future__ import annotations

import pytest
from tests.paths import seed_spec

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.blueprint.solver import FLOOR_RATIO
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec, parse_spec_text

DIFFUSION = """
name: gen
modality: {{inputs: [{inputs}], outputs: [image]{image}}}
constraints: {{parameter_budget: {{max: "{budget}"}}{extra}}}
training: {{objective: [diffusion]}}
architecture: {{family: diffusion}}
"""

HYBRID = """
name: hyb
modality: {{inputs: [image], outputs: [label]{image}}}
task: {{type: classification, num_classes: 10}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
architecture: {{family: hybrid}}
"""


def diffusion_plan(budget="100M", inputs="text, image", image="", extra=""):
    text = DIFFUSION.format(budget=budget, inputs=inputs, image=image, extra=extra)
    return plan_dict(make_blueprint(parse_spec_text(text)))


def test_seed_image_diffusion_is_a_6b_text_conditioned_unet():
    plan = plan_dict(make_blueprint(load_spec(seed_spec("image_diffusion"))))
    assert plan["arch"] == "unet" and plan["task"] == "diffusion"
    assert FLOOR_RATIO * 6e9 <= plan["params_total"] <= 6e9
    dims = plan["dims"]
    assert dims["text_conditioning"] is True and dims["image_size"] == 256
    assert dims["channel_mults"] == [1, 1, 2, 2, 4, 4]  # DDPM / ADM at 256 px
    assert dims["attention_resolutions"] == [32, 16, 8]
    assert plan["components"][1]["name"] == "caption_encoder"
    assert plan["metrics"] == ["loss", "zero_noise_mse"] and plan["loss"] == "diffusion"
    assert plan["data"]["beta_schedule"] == "linear"


@pytest.mark.parametrize(("preset", "size", "levels"), [("sd", 512, 7), ("sd_xl", 1024, 8)])
def test_size_presets_set_the_resolution(preset, size, levels):
    plan = diffusion_plan("2B", image=f", image: {{preset: {preset}}}")
    dims = plan["dims"]
    assert dims["image_size"] == size and len(dims["channel_mults"]) == levels
    assert size // 2 ** (levels - 1) == 8  # down to 8 px at the bottom
    assert plan["flops_sample"] == f"one {size}x{size} image"
    assert plan["smoke"]["dims"]["image_size"] == 32
    assert FLOOR_RATIO * 2e9 <= plan["params_total"] <= 2e9


def test_unconditional_unet_has_no_caption_encoder():
    plan = diffusion_plan("30M", inputs="image", image=", image: {image_size: 64}")
    names = [c["name"] for c in plan["components"]]
    assert names == ["time_embedding", "stem", "down", "middle", "up", "head"]
    assert plan["dims"]["text_conditioning"] is False
    assert plan["dims"]["channel_mults"] == [1, 2, 3, 4]  # ADM at 64 px
    assert plan["data"]["beta_schedule"] == "cosine"


@pytest.mark.parametrize("budget", ["10M", "35.7M", "100M", "400M", "1B"])
@pytest.mark.parametrize("size", [32, 128, 256])
def test_unet_lands_in_budget_window_for_common_sizes(budget, size):
    plan = diffusion_plan(budget, image=f", image: {{image_size: {size}}}")
    assert plan["params_total"] == sum(count_params("unet", plan["dims"]).values())
    if plan["params_total"] < FLOOR_RATIO * plan["budget_max"]:
        assert any("below 90%" in d for d in plan["decisions"]), "an under-fill is explained"
    else:
        assert plan["params_total"] <= plan["budget_max"]


def test_small_memory_budget_warns_that_diffusion_needs_48_gb():
    plan = diffusion_plan("100M", extra=", memory_budget: 24GB")
    assert any("48 GB" in w for w in plan["warnings"])
    assert not any(
        "48 GB" in w for w in diffusion_plan("100M", extra=", memory_budget: 80GB")["warnings"]
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            DIFFUSION.format(budget="1B", inputs="image", image="", extra="").replace(
                "family: diffusion", "family: transformer"
            ),
            "needs architecture.family: diffusion",
        ),
        (
            DIFFUSION.format(budget="1B", inputs="image", image="", extra="")
            + "task: {type: classification}\n",
            "generates images",
        ),
        (
            DIFFUSION.format(budget="1B", inputs="image", image="", extra="").replace(
                "[diffusion]", "[diffusion, autoregressive]"
            ),
            "Keep only diffusion",
        ),
    ],
    ids=["objective_without_family", "classification_task", "two_objectives"],
)
def test_contradictory_diffusion_specs_are_plan_errors(text, match):
    with pytest.raises(PlanError, match=match):
        make_blueprint(parse_spec_text(text))


@pytest.mark.parametrize("budget", ["3M", "11M", "22M", "86M"])
def test_hybrid_lands_in_budget_window(budget):
    plan = plan_dict(make_blueprint(parse_spec_text(HYBRID.format(budget=budget, image=""))))
    assert FLOOR_RATIO * plan["budget_max"] <= plan["params_total"] <= plan["budget_max"]
    dims = plan["dims"]
    d = dims["d_model"]
    assert dims["stem_channels"] == [d // 8, d // 4, d // 2, d]  # 16x downsampling, as /16
    assert plan["task"] == "classification"


def test_hybrid_patch_size_sets_the_stem_stages():
    image = ", image: {image_size: 64, patch_size: 8}"
    plan = plan_dict(make_blueprint(parse_spec_text(HYBRID.format(budget="5M", image=image))))
    assert len(plan["dims"]["stem_channels"]) == 3
    bad = HYBRID.format(budget="5M", image=", image: {image_size: 224, patch_size: 14}")
    with pytest.raises(PlanError, match="power of two"):
        make_blueprint(parse_spec_text(bad))
