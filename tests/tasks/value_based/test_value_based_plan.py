"""Planning a DQN agent: the environment decides the spaces, continuous actions get a
one-paragraph error pointing to the tasks that handle them, and what is not built says so."""

from __future__ import annotations

import subprocess
import sys

import pytest

from metagen.archs.build import build_from_dims
from metagen.blueprint.model import PlanError
from metagen.blueprint.solver import total_params
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: agent
modality: {{inputs: [{input}], outputs: [action]}}
task: {{type: value_based{task}}}
constraints: {{parameter_budget: {{max: "68k"}}}}
architecture: {{family: {family}}}
"""


def plan(task: str = "", input: str = "tabular", family: str = "mlp"):
    return make_blueprint(parse_spec_text(SPEC.format(task=task, input=input, family=family)))


def test_cartpole_q_network() -> None:
    bp = plan(", algorithm: dqn, environment: CartPole-v1, num_actions: 2")
    assert (bp.arch, bp.task, bp.family) == ("q_mlp", "value_based", "mlp")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"]) == (4, 2)
    # the budget of 68k fits RL Zoo's two hidden layers of 256: 4*256+256 + 256*256+256 + 514
    assert (bp.dims["d_hidden"], bp.dims["n_layers"]) == (256, 2)
    assert total_params(bp.arch, bp.dims) == 67_586
    assert bp.scales["full"].data == {
        "kind": "environment", "env_id": "CartPole-v1", "num_envs": 1, "eval_episodes": 20,
    }  # fmt: skip
    assert bp.scales["full"].train["steps"] == 50_000
    assert bp.scales["smoke"].train["steps"] < bp.scales["full"].train["steps"]


def test_acrobot_has_six_values_and_three_actions() -> None:
    bp = plan(", environment: Acrobot-v1")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"]) == (6, 3)


def test_no_environment_is_cartpole_and_the_plan_says_so() -> None:
    bp = plan()
    assert bp.scales["full"].data["env_id"] == "CartPole-v1"
    assert any("No task.environment" in d for d in bp.decisions)


@pytest.mark.parametrize(
    "task",
    [", environment: Pendulum-v1", ", environment: MountainCarContinuous-v0",
     ", action_space: continuous"],
)  # fmt: skip
def test_continuous_actions_are_refused_pointing_to_sac_and_ppo(task: str) -> None:
    with pytest.raises(PlanError, match="DQN .* needs discrete actions") as error:
        plan(task)
    message = str(error.value)
    assert "\n" not in message
    assert "actor_critic (SAC)" in message and "policy_gradient (PPO)" in message
    assert "CartPole-v1" in message  # a discrete environment to choose instead


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        (", environment: CartPol-v1", r"'CartPol-v1' is not an environment.*CartPole-v1"),
        (", environment: CartPole-v1, num_actions: 3", r"num_actions is 3, but CartPole-v1 has 2"),
        (", algorithm: ppo", r"'ppo' is not a value-based algorithm.*policy_gradient"),
        (", algorithm: rainbow", r"rainbow \(DQN is built\).*not built yet"),
    ],
)
def test_contradictions_are_one_paragraph_errors(task: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(task)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("environment", "kind", "size", "actions"),
    [("ALE/Breakout-v5", "atari", 84, 4), ("CartPole-v1", "pixels", 64, 2)],
)
def test_a_cnn_q_network_over_frames(environment, kind, size, actions) -> None:
    text = SPEC.format(task=f", environment: {environment}", input="image", family="cnn")
    bp = make_blueprint(parse_spec_text(text.replace('"68k"', '"2M"')))
    assert (bp.arch, bp.task, bp.family) == ("policy_cnn", "value_based", "cnn")
    assert (bp.dims["head"], bp.dims["num_actions"]) == ("q_values", actions)
    assert (bp.dims["in_channels"], bp.dims["image_size"]) == (4, size)
    assert bp.scales["full"].data["kind"] == kind
    full, smoke = bp.scales["full"].train, bp.scales["smoke"].train
    assert (full["train_every"], full["gradient_steps"], full["lr"]) == (4, 1, 1e-4)
    assert smoke["learning_starts"] < smoke["steps"] <= smoke["buffer_size"]
    model = build_from_dims(bp.arch, bp.dims)
    assert sum(p.numel() for p in model.parameters()) == total_params(bp.arch, bp.dims)


def test_image_inputs_default_to_the_cnn_family() -> None:
    text = SPEC.format(task="", input="image", family="cnn").replace("architecture:", "#")
    assert make_blueprint(parse_spec_text(text.replace('"68k"', '"2M"'))).arch == "policy_cnn"


@pytest.mark.parametrize(
    ("input", "family", "expected"),
    [
        ("image", "mlp", r"\['image'\] does not fit a value_based agent of the mlp family.*cnn"),
        ("tabular", "cnn", "family cnn plans an agent over frames; set modality.inputs"),
    ],
)
def test_inputs_and_family_must_agree(input, family, expected) -> None:
    with pytest.raises(PlanError, match=expected):
        plan(", environment: CartPole-v1", input=input, family=family)


def test_frames_of_a_continuous_environment_are_refused_as_for_vectors() -> None:
    with pytest.raises(PlanError, match="Pendulum-v1 has continuous actions.*DQN"):
        plan(", environment: Pendulum-v1", input="image", family="cnn")


@pytest.mark.parametrize("family", ["transformer", "gnn"])
def test_other_families_are_refused(family: str) -> None:
    with pytest.raises(PlanError, match=family):
        plan(family=family)


def test_cli_plan_of_a_continuous_environment_exits_2_without_traceback(tmp_path) -> None:
    spec = tmp_path / "agent.yaml"
    spec.write_text(SPEC.format(task=", environment: Pendulum-v1", input="tabular", family="mlp"))
    done = subprocess.run(
        [sys.executable, "-c", "from metagen.cli import main; main()", "plan", str(spec)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "needs discrete actions" in done.stderr + done.stdout
