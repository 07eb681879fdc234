"""Planning an actor-critic agent: SAC (or TD3) for a continuous action space; a discrete
environment, another algorithm or family gets a one-paragraph error that says what to use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: agent
modality: {{inputs: [tabular], outputs: [action]}}
task: {{type: actor_critic{task}}}
constraints: {{parameter_budget: {{max: "100k"}}}}
architecture: {{family: {family}}}
"""


def plan(task: str = "", family: str = "mlp"):
    return make_blueprint(parse_spec_text(SPEC.format(task=task, family=family)))


def test_pendulum_sac_has_a_gaussian_actor_and_twin_critics_with_targets() -> None:
    bp = plan(", algorithm: sac, environment: Pendulum-v1, action_space: continuous")
    assert (bp.arch, bp.task) == ("sac_mlp", "actor_critic")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["actor"]) == (3, 1, "gaussian")
    assert [name for name, _ in bp.components] == ["actor", "critic", "critic_target"]
    assert bp.scales["full"].data["env_id"] == "Pendulum-v1"
    assert bp.scales["full"].data["kind"] == "environment"


def test_td3_has_a_deterministic_actor_and_its_target() -> None:
    bp = plan(", algorithm: td3, environment: MountainCarContinuous-v0")
    assert (bp.dims["obs_dim"], bp.dims["actor"]) == (2, "deterministic")
    assert [name for name, _ in bp.components][-1] == "actor_target"


def test_no_environment_is_pendulum_and_the_plan_says_so() -> None:
    bp = plan()
    assert bp.scales["full"].data["env_id"] == "Pendulum-v1"
    assert any("No task.environment" in d for d in bp.decisions)


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        (", environment: CartPole-v1", r"CartPole-v1 has 2 discrete actions.*value_based"),
        (", environment: Acrobot-v1", r"continuous action space.*policy_gradient"),
        (", algorithm: ppo", r"'ppo' is not an actor-critic algorithm.*sac or td3"),
        (", environment: Pendulum-v1, num_actions: 2", r"num_actions is 2, but Pendulum-v1 has 1"),
    ],
)
def test_contradictions_are_one_paragraph_errors(task: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(task)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("family", ["cnn", "rnn"])
def test_another_family_is_refused(family: str) -> None:
    with pytest.raises(PlanError, match="does not build a actor_critic agent; use mlp"):
        plan(family=family)


def test_cli_plan_of_a_discrete_environment_exits_2_without_traceback(tmp_path) -> None:
    spec = tmp_path / "agent.yaml"
    spec.write_text(SPEC.format(task=", environment: CartPole-v1", family="mlp"))
    done = subprocess.run(
        [sys.executable, "-c", "from metagen.cli import main; main()", "plan", str(spec)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "value_based" in done.stderr + done.stdout
