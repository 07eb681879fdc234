"""Planning text + image specs: routing, the fusion the objective asks for (and overrides),
budget windows for both model kinds and both families (transformer, hybrid), and the errors for
combinations that do not fit."""

from __future__ import annotations

import pytest
from tests.paths import seed_spec

from metagen.blueprint.counts import count_kv_cache_bytes, count_params
from metagen.blueprint.model import PlanError
from metagen.blueprint.solver import FLOOR_RATIO
from metagen.handlers.modalities import get_handler
from metagen.handlers.planned import MODALITIES, OBJECTIVES
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec, parse_spec_text

SPEC = """
name: mm
modality: {{inputs: [text, image], outputs: {outputs}{image}}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
training: {{objective: {objective}}}
architecture: {{family: {family}{fusion}}}
"""


def mm_spec(
    budget="50M",
    objective="[contrastive]",
    outputs="[text, image]",
    fusion="",
    image="",
    family="transformer",
):
    fusion = f", fusion: {fusion}" if fusion else ""
    return parse_spec_text(
        SPEC.format(
            budget=budget,
            objective=objective,
            outputs=outputs,
            fusion=fusion,
            image=image,
            family=family,
        )
    )


def plan(spec):
    return plan_dict(make_blueprint(spec))


@pytest.mark.parametrize(("seed", "arch"), [("multimodal_clip", "clip"), ("vlm", "vlm")])
def test_seed_specs_land_in_their_budget(seed, arch):
    spec = load_spec(seed_spec(seed))
    assert get_handler(spec).name == "MultimodalHandler"
    result = plan(spec)
    assert result["arch"] == arch
    assert FLOOR_RATIO * result["budget_max"] <= result["params_total"] <= result["budget_max"]


def test_vlm_seed_gives_the_language_model_most_of_the_budget():
    result = plan(load_spec(seed_spec("vlm")))
    parts = {c["name"]: c["params"] for c in result["components"]}
    assert parts["language_model"] > 0.9 * result["params_total"]
    dims = result["dims"]
    assert (dims["vision_d_model"], dims["vision_n_layers"]) == (1024, 24)  # ViT-L, as LLaVA
    assert dims["fusion"] == "early" and dims["n_kv_heads"] <= dims["n_heads"]
    assert "Fusion: early (chosen by the objective)." in result["decisions"]
    # The KV cache holds the image tokens before the text.
    positions = dims["context_length"] + (dims["image_size"] // dims["patch_size"]) ** 2
    assert result["memory"]["kv_cache_context_length"] == positions
    assert result["memory"]["kv_cache_bf16_bytes"] == count_kv_cache_bytes(dims, positions, 2)


def test_clip_seed_follows_clip_tower_pattern():
    result = plan(load_spec(seed_spec("multimodal_clip")))
    dims = result["dims"]
    assert dims["text_d_model"] == 64 * (2 * dims["vision_d_model"] // 3 // 64)
    assert dims["embed_dim"] == dims["text_d_model"]
    assert dims["vision_n_layers"] == dims["text_n_layers"]
    assert result["task"] == "contrastive" and "r1_text_to_image" in result["metrics"]
    assert "image" in result["flops_sample"] and "text tokens" in result["flops_sample"]


@pytest.mark.parametrize("budget", ["5M", "20M", "151M", "1B"])
def test_clip_lands_in_budget_window(budget):
    result = plan(mm_spec(budget))
    assert FLOOR_RATIO * result["budget_max"] <= result["params_total"] <= result["budget_max"]


@pytest.mark.parametrize("family", ["transformer", "hybrid"])
@pytest.mark.parametrize("fusion", ["early", "cross_attention", "late"])
@pytest.mark.parametrize("budget", ["20M", "300M", "3B"])
def test_vlm_lands_in_budget_window(budget, fusion, family):
    spec = mm_spec(budget, "[autoregressive]", "[text]", fusion, family=family)
    result = plan(spec)
    assert FLOOR_RATIO * result["budget_max"] <= result["params_total"] <= result["budget_max"]
    assert result["dims"]["fusion"] == fusion
    assert bool(result["dims"]["vision_stem_channels"]) == (family == "hybrid")
    names = [c["name"] for c in result["components"]]
    assert ("cross_attention" in names) == (fusion == "cross_attention")
    assert ("late_fusion" in names) == (fusion == "late")
    assert [a["name"] for a in result["architecture"]] == names


@pytest.mark.parametrize("budget", ["5M", "20M", "151M", "1B"])
def test_hybrid_clip_lands_in_budget_window_with_a_conv_stem(budget):
    result = plan(mm_spec(budget, family="hybrid"))
    assert FLOOR_RATIO * result["budget_max"] <= result["params_total"] <= result["budget_max"]
    dims = result["dims"]
    width = dims["vision_d_model"]
    # patch 16: four stride-2 stages, doubling up to the tower's width (as the hybrid ViT)
    assert dims["vision_stem_channels"] == [width // 8, width // 4, width // 2, width]
    assert dims["text_d_model"] == 64 * (2 * width // 3 // 64)  # CLIP's split, as transformer
    roles = {a["name"]: a["role"] for a in result["architecture"]}
    assert "convolutional stem + transformer" in roles["image_encoder"]
    assert any("convolutional stem of 4 stride-2" in d for d in result["decisions"])


def test_hybrid_vlm_says_its_image_tower_is_a_conv_stem_and_keeps_it_at_smoke_scale():
    bp = make_blueprint(mm_spec("300M", "[autoregressive]", "[text]", "late", family="hybrid"))
    result = plan_dict(bp)
    assert result["dims"]["vision_stem_channels"] == [48, 96, 192, 384]  # ViT-S width 384
    roles = {a["name"]: a["role"] for a in result["architecture"]}
    assert "convolutional stem + transformer" in roles["vision_encoder"]
    assert "text alone" in roles["language_model"] and "Fusion (late)" in roles["late_fusion"]
    assert any(d.startswith("Late fusion: the LM encodes the text alone") for d in bp.decisions)
    smoke = bp.scales["smoke"].model
    # smoke images: 32 px in 8-px patches, so three stages at the smoke width 64
    assert smoke["vision_stem_channels"] == [16, 32, 64] and smoke["patch_size"] == 8
    assert smoke["fusion"] == "late"


def test_late_fusion_caches_only_the_text():
    result = plan(mm_spec("300M", "[autoregressive]", "[text]", "late"))
    dims = result["dims"]
    assert result["memory"]["kv_cache_context_length"] == dims["context_length"]
    assert result["memory"]["kv_cache_bf16_bytes"] == count_kv_cache_bytes(
        dims, dims["context_length"], 2
    )


def test_named_clip_variant_plans_at_its_published_count():
    spec = parse_spec_text(
        SPEC.format(
            budget="200M",
            objective="[contrastive]",
            outputs="[embedding]",
            image="",
            fusion=", variant: clip_vit_b_32",
            family="transformer",
        )
    )
    result = plan(spec)
    assert result["params_total"] == 151_277_313
    assert sum(count_params("clip", result["dims"]).values()) == 151_277_313


def test_objective_picks_the_fusion_when_none_is_set():
    assert make_blueprint(mm_spec()).arch == "clip"
    assert make_blueprint(mm_spec(objective="[autoregressive]", outputs="[text]")).arch == "vlm"
    no_objective = make_blueprint(mm_spec(objective="[]", outputs="[text]"))
    assert no_objective.arch == "vlm"
    assert any("No training.objective" in d for d in no_objective.decisions)


MISFITS = {
    "early_with_contrastive": (
        ("[contrastive]", "[text, image]", "early"),
        "does not fit training.objective 'contrastive'",
    ),
    "contrastive_with_captioning": (
        ("[autoregressive]", "[text]", "contrastive"),
        "Set architecture.fusion to early, cross_attention or late",
    ),
    "late_with_contrastive": (
        ("[contrastive]", "[text, image]", "late"),
        "Set architecture.fusion to contrastive",
    ),
    "both_objectives": (("[contrastive, autoregressive]", "[text]", ""), "CoCa"),
    "diffusion": (("[diffusion]", "[text]", ""), r"does not fit a text \+ image model"),
    "captioning_without_text_out": (
        ("[autoregressive]", "[embedding]", ""),
        "Add text to the outputs",
    ),
}


@pytest.mark.parametrize(("args", "message"), MISFITS.values(), ids=MISFITS)
def test_fusion_and_objective_must_fit(args, message):
    objective, outputs, fusion = args
    with pytest.raises(PlanError, match=message):
        make_blueprint(mm_spec("50M", objective, outputs, fusion))


def test_hybrid_needs_a_power_of_two_patch_and_no_variant():
    with pytest.raises(PlanError, match=r"patch_size \(14\) must be a power of two"):
        make_blueprint(mm_spec(image=", image: {image_size: 224, patch_size: 14}", family="hybrid"))
    with pytest.raises(PlanError, match="family hybrid swaps that for a convolutional stem"):
        make_blueprint(
            mm_spec("200M", fusion="contrastive, variant: clip_vit_b_32", family="hybrid")
        )


def test_patch_must_divide_the_image_and_multimodal_is_no_longer_planned():
    with pytest.raises(PlanError, match="must divide the image size"):
        make_blueprint(mm_spec(image=", image: {image_size: 40}"))
    assert "multimodal" not in MODALITIES
    # Text + image contrastive training is built; single-modality contrastive is not.
    assert "single-modality" in OBJECTIVES["contrastive"]
    text_only = parse_spec_text(
        "name: t\nmodality: {inputs: [text], outputs: [text]}\n"
        "training: {objective: [contrastive]}\n"
    )
    with pytest.raises(PlanError, match="not built yet"):
        make_blueprint(text_only)


def test_smoke_scales_are_small_and_keep_the_fusion():
    for fusion in ("early", "cross_attention", "late"):
        bp = make_blueprint(mm_spec("3B", "[autoregressive]", "[text]", fusion))
        smoke = bp.scales["smoke"]
        assert smoke.model["fusion"] == fusion
        assert sum(count_params("vlm", smoke.model).values()) < 2_000_000
        assert smoke.data["seq_len"] <= smoke.model["context_length"] + 1
        assert smoke.data["image_size"] == smoke.model["image_size"]
    clip = make_blueprint(mm_spec("800M")).scales["smoke"]
    assert clip.data["seq_len"] <= clip.model["context_length"]
    assert sum(count_params("clip", clip.model).values()) < 1_000_000
