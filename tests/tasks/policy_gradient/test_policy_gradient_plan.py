"""Planning a policy-gradient agent: the environment decides the spaces, a spec that
contradicts them (or names an unknown environment) gets a one-paragraph error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from metagen.blueprint.model import PlanError
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

SPEC = """
name: agent
modality: {{inputs: [{input}], outputs: [action]}}
task: {{type: policy_gradient{task}}}
constraints: {{parameter_budget: {{max: "10k"}}}}
architecture: {{family: {family}}}
"""


def plan(task: str = "", input: str = "tabular", family: str = "mlp"):
    return make_blueprint(parse_spec_text(SPEC.format(task=task, input=input, family=family)))


def test_cartpole_discrete_actor_critic() -> None:
    bp = plan(", environment: CartPole-v1, num_actions: 2, action_space: discrete")
    assert (bp.arch, bp.task) == ("policy_mlp", "policy_gradient")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (4, 2, False)
    assert bp.scales["full"].data["env_id"] == "CartPole-v1"
    assert bp.scales["full"].data["kind"] == "environment"


def test_pendulum_is_continuous_with_a_log_std() -> None:
    bp = plan(", environment: Pendulum-v1")
    assert (bp.dims["obs_dim"], bp.dims["num_actions"], bp.dims["continuous"]) == (3, 1, True)
    assert [name for name, _ in bp.components] == ["actor", "critic", "log_std"]


def test_lunar_lander_gets_its_own_settings_and_a_short_smoke_run() -> None:
    pytest.importorskip("Box2D")
    bp = plan(", environment: LunarLander-v3")
    full, smoke = bp.scales["full"].train, bp.scales["smoke"].train
    assert (full["steps"], full["gamma"], full["ent_coef"]) == (1_000_000, 0.999, 0.01)
    rollout = bp.scales["full"].data["num_envs"] * full["rollout_steps"]
    assert full["batch_size"] == smoke["batch_size"] == rollout
    assert full["batch_size"] // full["minibatches"] == 64  # RL Zoo's minibatch
    assert smoke["steps"] == 4 * rollout and smoke["gamma"] == 0.999
    assert any("tuned for LunarLander-v3" in d for d in bp.decisions)
    assert any("tuned for CartPole-v1" in d for d in plan(", environment: Acrobot-v1").decisions)


def test_no_environment_is_cartpole_and_the_plan_says_so() -> None:
    bp = plan()
    assert bp.scales["full"].data["env_id"] == "CartPole-v1"
    assert any("No task.environment" in d for d in bp.decisions)


def test_reinforce_lays_its_settings_over_ppos_at_both_scales() -> None:
    bp = plan(", algorithm: reinforce")
    for scale in ("full", "smoke"):
        train = bp.scales[scale].train
        assert train["algorithm"] == "reinforce"
        assert (train["update_epochs"], train["minibatches"]) == (1, 1)
        assert (train["gae_lambda"], train["clip_coef"]) == (1.0, None)
    assert any("REINFORCE" in d for d in bp.decisions)
    assert plan().scales["full"].train["algorithm"] == "ppo"


def test_the_specs_training_block_still_overrides_reinforces_steps() -> None:
    text = SPEC.format(task=", algorithm: reinforce", input="tabular", family="mlp")
    bp = make_blueprint(parse_spec_text(text + "training: {steps: 5120}\n"))
    assert bp.scales["full"].train["steps"] == 5120


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        (", environment: CartPol-v1", r"'CartPol-v1' is not an environment.*CartPole-v1"),
        (
            ", environment: CartPole-v1, num_actions: 18",
            r"num_actions is 18, but CartPole-v1 has 2",
        ),
        (", environment: Pendulum-v1, action_space: discrete", r"Pendulum-v1 has a continuous"),
        (", algorithm: dqn", r"'dqn' is not a policy-gradient algorithm"),
    ],
)
def test_contradictions_are_one_paragraph_errors(task: str, expected: str) -> None:
    with pytest.raises(PlanError, match=expected) as error:
        plan(task)
    assert "\n" not in str(error.value)


def test_cli_plan_of_an_unknown_environment_exits_2_without_traceback(tmp_path) -> None:
    spec = tmp_path / "agent.yaml"
    spec.write_text(SPEC.format(task=", environment: Nope-v0", input="tabular", family="mlp"))
    done = subprocess.run(
        [sys.executable, "-c", "from metagen.cli import main; main()", "plan", str(spec)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "Nope-v0" in done.stderr + done.stdout
