"""Video plans: what the handler fixes, the smoke data matching the smoke model, the budget of
the seed spec, and located errors for specs that ask for something the families cannot do."""

from __future__ import annotations

import pytest
import yaml
from tests.paths import EXAMPLES

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint, plan_dict
from metagen.spec import load_spec

VIDEO = EXAMPLES / "video"


def plan_of(tmp_path, **sections):
    spec = {
        "metagen_version": "1.0",
        "name": "v",
        "modality": {"inputs": ["video"], "outputs": ["label"]},
        "task": {"type": "classification", "num_classes": 8},
        "architecture": {"family": "transformer"},
        **sections,
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    return make_blueprint(load_spec(path))


@pytest.mark.parametrize(
    "name",
    ["video_classifier_transformer", "video_classifier_cnn", "small_video_diffusion", "video_gen"],
)
def test_smoke_data_matches_the_smoke_model(name) -> None:
    bp = make_blueprint(load_spec(VIDEO / f"{name}.yaml"))
    for scale in ("full", "smoke"):
        model, data = bp.scales[scale].model, bp.scales[scale].data
        assert data["kind"] == "video"
        assert (data["num_frames"], data["resolution"]) == (
            model["num_frames"],
            model["resolution"],
        )
    assert bp.scales["smoke"].model["num_frames"] == 8


def test_seed_video_gen_fills_its_budget_with_a_text_conditioned_denoiser() -> None:
    plan = plan_dict(make_blueprint(load_spec(VIDEO / "video_gen.yaml")))
    assert plan["arch"] == "video_diffusion" and plan["task"] == "diffusion"
    assert 0.9 * 2e9 <= plan["params_total"] <= 2e9
    assert plan["dims"]["text_conditioning"] is True
    assert plan["flops_sample"] == "one clip of 16 frames at 256x256"
    names = [c["name"] for c in plan["components"]]
    assert names == list(count_params("video_diffusion", plan["dims"]))
    assert {"caption_encoder", "patch_embedding", "temporal_embedding"} <= set(names)


@pytest.mark.parametrize(
    ("family", "words"),
    [
        ("transformer", ("Temporal", "Spatial", "temporal attention")),
        ("cnn", ("3D conv", "time and space")),
    ],
)
def test_plan_names_spatial_and_temporal_parts(tmp_path, family, words) -> None:
    bp = plan_of(
        tmp_path,
        architecture={"family": family},
        modality={
            "inputs": ["video"],
            "outputs": ["label"],
            "video": {"num_frames": 8, "resolution": "64x64"},
        },
    )
    roles = " ".join(role for _, role in bp.components)
    assert all(w in roles for w in words), roles


def test_long_clips_get_tubelets_and_short_ones_frames(tmp_path) -> None:
    video = {"inputs": ["video"], "outputs": ["label"]}
    short = plan_of(tmp_path, modality={**video, "video": {"num_frames": 8}})
    long = plan_of(tmp_path, modality={**video, "video": {"num_frames": 16}})
    assert (short.dims["tubelet_size"], long.dims["tubelet_size"]) == (1, 2)


@pytest.mark.parametrize(("classes", "drawn"), [(8, 8), (30, 30), (48, 48), (60, 12)])
def test_synthetic_classes_follow_the_spec_up_to_what_can_be_drawn(tmp_path, classes, drawn):
    bp = plan_of(tmp_path, task={"type": "classification", "num_classes": classes})
    assert bp.scales["full"].data["num_classes"] == drawn
    assert bp.dims["num_classes"] == classes


@pytest.mark.parametrize(
    ("sections", "words"),
    [
        (
            {
                "modality": {"inputs": ["video"], "outputs": ["video"]},
                "task": {"type": "generation"},
            },
            "needs architecture.family diffusion",
        ),
        ({"architecture": {"family": "diffusion"}}, "generates video"),
        (
            {
                "modality": {
                    "inputs": ["video"],
                    "outputs": ["label"],
                    "video": {"resolution": "100x100"},
                }
            },
            "not a multiple of the 16-pixel patch",
        ),
        (
            {"training": {"objective": ["diffusion"]}, "architecture": {"family": "cnn"}},
            "needs architecture.family diffusion",
        ),
    ],
)
def test_impossible_video_specs_are_plan_errors(tmp_path, sections, words) -> None:
    with pytest.raises(PlanError, match=words):
        plan_of(tmp_path, **sections)
