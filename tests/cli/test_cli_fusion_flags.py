"""`metagen train SPEC --modalities --fusion-strategy --fusion-dim`: the fusion guide's flags
override the spec's fields before planning, so the run's resolved spec and model follow them;
a value the spec language refuses, or flags given with a run directory, exit 2 with one
paragraph and leave no run behind."""

from __future__ import annotations

import json

import pytest
import yaml
from tests.cli.helpers import invoke
from tests.paths import EXAMPLES

from metagen.train_cli import resolve_run_dir, spec_overrides

SPEC = EXAMPLES / "multimodal" / "fusion_image_caption.yaml"


def test_the_flags_become_the_runs_spec_and_model(tmp_path) -> None:
    overrides = spec_overrides("image, audio ,text", "cross_attention", 32)
    assert overrides == {
        "modality.inputs": ["image", "audio", "text"],
        "fusion.strategy": "cross_attention",
        "fusion.fusion_dim": 32,
    }
    run = resolve_run_dir(SPEC, tmp_path, "r", None, overrides)
    resolved = yaml.safe_load((run / "spec_resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["modality"]["inputs"] == ["image", "audio", "text"]
    assert (resolved["fusion"]["strategy"], resolved["fusion"]["fusion_dim"]) == (
        "cross_attention", 32
    )  # fmt: skip
    model = json.loads((run / "code" / "config.json").read_text())["scales"]["full"]["model"]
    assert model["modalities"] == ["image", "audio", "text"] and model["d_model"] == 32
    assert model["strategy"] == "cross_attention" and model["num_outputs"] == 27
    assert resolved["fusion"]["heads"] == 2  # what no flag names stays the spec's


def test_train_with_a_flag_trains_the_overridden_model(tmp_path) -> None:
    result = invoke("train", SPEC, "--scale", "smoke", "--steps", "10", "--out", tmp_path,
                    "--run-id", "r", "--fusion-strategy", "late")  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "r" / "train" / "smoke" / "metrics.json").read_text())
    assert metrics["model_dims"]["strategy"] == "late" and metrics["steps"] == 10


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--fusion-dim", "33"), "heads 2 does not divide fusion_dim 33"),
        (("--fusion-strategy", "lat"), "Did you mean 'late'?"),
        (("--modalities", "image,lidar"), "unknown input modality 'lidar'"),
        (("--modalities", "image"), "modality.inputs has one (image)"),
    ],
)
def test_a_refused_value_exits_2_and_leaves_no_run(tmp_path, flags, says) -> None:
    result = invoke("train", SPEC, "--out", tmp_path, "--run-id", "r", *flags)
    assert result.exit_code == 2
    assert says in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_flags_with_a_run_directory_are_refused(tmp_path) -> None:
    run = resolve_run_dir(SPEC, tmp_path, "r", None)
    result = invoke("train", run, "--fusion-dim", "64")
    assert result.exit_code == 2
    assert "--fusion-dim change the spec" in " ".join(result.output.split())
