"""Planning a pixel agent: the Atari seed plans the IMPALA trunk over Seaquest's frames, a
classic-control environment is seen through its renders, contradictions are one-paragraph
errors, planning never imports ale-py, and each package carries only its own wrappers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tests.codegen.generated import synth_run
from tests.paths import EXAMPLES, REPO

from metagen.blueprint.counts import count_params
from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import load_spec, parse_spec_text

ATARI_SEED = EXAMPLES / "rl" / "atari_agent.yaml"
SPEC = """
name: pixel_agent
modality: {{inputs: [{input}], outputs: [action]}}
task: {{type: policy_gradient{task}}}
architecture: {{family: cnn{variant}}}
"""


def plan(task: str = "", input: str = "image", variant: str = ""):
    text = SPEC.format(task=task, input=input, variant=variant)
    return make_blueprint(parse_spec_text(text))


def test_the_atari_seed_plans_impala_over_seaquest_and_says_why() -> None:
    bp = make_blueprint(load_spec(ATARI_SEED))
    assert (bp.arch, bp.task, bp.variant) == ("policy_cnn", "policy_gradient", "impala_cnn")
    assert bp.scales["full"].data["env_id"] == "ALE/Seaquest-v5"
    assert bp.scales["full"].data["kind"] == "atari"
    dims = bp.dims
    assert (dims["trunk"], dims["in_channels"], dims["image_size"], dims["num_actions"]) == (
        "impala",
        4,
        84,
        18,
    )
    # the published 626,256 is at 64x64x3 with 15 actions; the plan says each change
    assert sum(count_params("policy_cnn", dims).values()) == 1_094_115
    said = " ".join(bp.decisions)
    assert "names the impala trunk" in said and "626,256 is for num_actions=15" in said
    assert "Seaquest" in said and "18 actions" in said
    # PPO's Atari settings, and the smoke scale's frames follow its smaller dims
    assert bp.scales["full"].train["rollout_steps"] == 128
    smoke = bp.scales["smoke"]
    assert smoke.data["image_size"] == smoke.model["image_size"] < 84


def test_no_variant_plans_the_nature_trunk_sized_by_the_solver() -> None:
    bp = plan(", environment: ALE/Pong-v5")
    assert bp.dims["trunk"] == "nature" and bp.dims["num_actions"] == 6
    assert bp.variant is None


def test_the_published_nature_cnn_fits_an_18_action_game_exactly() -> None:
    bp = plan(", environment: ALE/Seaquest-v5", variant=", variant: nature_cnn")
    assert sum(count_params("policy_cnn", bp.dims).values()) == 1_693_875


def test_a_classic_control_environment_is_seen_through_its_frames() -> None:
    bp = plan(", environment: CartPole-v1")
    data = bp.scales["full"].data
    assert (data["kind"], data["env_id"], data["image_size"], data["frame_stack"]) == (
        "pixels",
        "CartPole-v1",
        64,
        4,
    )
    assert (bp.dims["in_channels"], bp.dims["num_actions"]) == (4, 2)


@pytest.mark.parametrize(
    ("task", "input", "expected"),
    [
        (", environment: ALE/Seaquest-v5, num_actions: 6", "image", r"num_actions is 6"),
        (", environment: ALE/Pong-v5", "tabular", r"set modality.inputs: \[image\]"),
        (", environment: Pendulum-v1", "image", r"continuous actions.*not built yet"),
        (", environment: ALE/Pongg-v5", "image", r"'ALE/Pongg-v5' is not an environment"),
    ],
)
def test_contradictions_are_one_paragraph_errors(task: str, input: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(task, input)
    assert "\n" not in str(error.value)


def test_an_atari_game_is_refused_to_a_vector_agent() -> None:
    text = SPEC.format(task=", environment: ALE/Pong-v5", input="tabular", variant="")
    with pytest.raises(PlanError, match="Atari game"):
        make_blueprint(parse_spec_text(text.replace("family: cnn", "family: mlp")))


def test_planning_the_atari_seed_imports_neither_torch_nor_ale_py() -> None:
    code = (
        "import sys, time\n"
        "from metagen.planning import make_blueprint, plan_dict\n"
        "from metagen.spec import load_spec\n"
        f"t = time.perf_counter(); plan_dict(make_blueprint(load_spec({str(ATARI_SEED)!r})))\n"
        "print(time.perf_counter() - t)\n"
        "assert not {'torch', 'ale_py', 'gymnasium', 'cv2'} & set(sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 5.0


def test_each_package_carries_only_its_own_environment_wrappers(tmp_path) -> None:
    mlp = synth_run(EXAMPLES / "rl" / "cartpole_ppo.yaml", tmp_path, "mlp") / "code"
    atari = synth_run(ATARI_SEED, tmp_path, "atari") / "code"
    pixels_spec = tmp_path / "pixels.yaml"
    pixels_spec.write_text(
        SPEC.format(task=", environment: CartPole-v1", input="image", variant="")
    )
    pixels = synth_run(pixels_spec, tmp_path, "pixels") / "code"
    mlp_data = (mlp / "data.py").read_text()
    assert "make_pixel_environment" not in mlp_data and "AtariPreprocessing" not in mlp_data
    pixels_text = (pixels / "data.py").read_text() + (pixels / "requirements.txt").read_text()
    assert "make_pixel_environment" in pixels_text
    assert "ale_py" not in pixels_text and "AtariPreprocessing" not in pixels_text
    assert "ale-py" not in pixels_text and "opencv" not in pixels_text
    atari_requirements = (atari / "requirements.txt").read_text()
    assert "ale-py" in atari_requirements and "opencv-python-headless" in atari_requirements
    assert "make_pixel_environment" not in (atari / "data.py").read_text()
    for code in (atari, pixels):  # evaluate.py and infer.py make the same frames
        for script in ("evaluate.py", "infer.py"):
            text = (code / script).read_text()
            assert "make_atari_environment" in text or "make_pixel_environment" in text, script
