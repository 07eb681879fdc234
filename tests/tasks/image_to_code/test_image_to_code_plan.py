"""The image_to_code plan: a VLM whose three parts the plan names and counts, trained in the
guide's stages, on code that fits its context at both scales; `metagen train --data
synthetic` writes the built-in pairs into the run once."""

from __future__ import annotations

import json

import pytest
from tests.paths import EXAMPLES

from metagen.archs.build import build_from_dims
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import load_spec, parse_spec_text
from metagen.synthesis import synthesize
from metagen.train_cli import built_in_data

SPEC = EXAMPLES / "multimodal" / "image_to_code.yaml"


def test_the_plan_names_the_three_parts_with_their_counts() -> None:
    bp = make_blueprint(load_spec(SPEC))
    assert (bp.arch, bp.task) == ("vlm", "image_to_code")
    assert [name for name, _ in bp.components] == ["vision_encoder", "connector", "language_model"]
    for scale in ("full", "smoke"):
        dims = bp.scales[scale].model
        model = build_from_dims("vlm", dims)
        counted = {name: sum(p.numel() for p in part.parameters())
                   for name, part in model.named_children()}  # fmt: skip
        assert set(counted) == {"vision_encoder", "connector", "language_model"}
        # the code fills the context at both scales: bos, the code, eos
        assert dims["context_length"] == bp.scales[scale].data["seq_len"] == 448
    stages = bp.scales["full"].train["stages"]
    assert [(s["train"], s["leave_out"]) for s in stages] == [
        (["language_model"], ["images"]), (["vision_encoder", "connector"], []), ("all", []),
    ]  # fmt: skip


def test_a_picture_alone_in_plans_the_same_vision_language_model() -> None:
    """The code the model writes is its text input as it writes: inputs [image] plans what
    [image, text] does, and an objective other than writing text is refused."""
    alone = make_blueprint(parse_spec_text(
        "name: x\nmodality: {inputs: [image], outputs: [text]}\ntask: {type: image_to_code}\n"
    ))  # fmt: skip
    both = make_blueprint(parse_spec_text(
        "name: x\nmodality: {inputs: [image, text], outputs: [text]}\n"
        "task: {type: image_to_code}\n"
    ))  # fmt: skip
    assert (alone.arch, alone.task, alone.modality_inputs) == ("vlm", "image_to_code",
                                                                ["image", "text"])  # fmt: skip
    assert alone.scales["full"].model == both.scales["full"].model
    assert alone.scales["smoke"].model["context_length"] == 512  # the full scale's is 2048
    spec = parse_spec_text(
        "name: x\nmodality: {inputs: [image, text], outputs: [text]}\n"
        "task: {type: image_to_code}\ntraining: {objective: [contrastive]}\n"
    )
    with pytest.raises(PlanError, match="objective asks for another: set it to autoregressive"):
        make_blueprint(spec)


def test_built_in_data_is_written_into_the_run_once(tmp_path) -> None:
    run = synthesize(load_spec(SPEC), tmp_path, "run")
    config_path = run / "code" / "config.json"
    config = json.loads(config_path.read_text())
    config["scales"]["smoke"]["data"]["num_pairs"] = 8  # a small folder for the test
    config_path.write_text(json.dumps(config))
    folder = built_in_data(run, "smoke", None)
    assert folder == str(run / "data" / f"smoke-seed{config['seed']}")
    lines = (run / "data" / f"smoke-seed{config['seed']}" / "train.jsonl").read_text().splitlines()
    assert len(lines) == 6
    stamp = (run / "data" / f"smoke-seed{config['seed']}" / "train.jsonl").stat().st_mtime_ns
    assert built_in_data(run, "smoke", None) == folder
    assert (
        run / "data" / f"smoke-seed{config['seed']}" / "train.jsonl"
    ).stat().st_mtime_ns == stamp
    assert built_in_data(run, "smoke", 7).endswith("smoke-seed7")
