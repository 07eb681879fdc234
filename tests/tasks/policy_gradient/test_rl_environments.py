"""The planner's table of environments against gymnasium itself: every row's spaces and
"solved" return are the ones gymnasium.make builds."""

from __future__ import annotations

import pytest
from tests.codegen.generated import synth_run

from metagen.handlers.tasks.rl_environments import ENVIRONMENTS

gym = pytest.importorskip("gymnasium")


@pytest.mark.parametrize("env_id", sorted(ENVIRONMENTS))
def test_table_row_matches_gymnasium(env_id: str) -> None:
    row = ENVIRONMENTS[env_id]
    if row.atari_frame is not None:  # ale-py registers its games with gymnasium
        gym.register_envs(pytest.importorskip("ale_py"))
    env = gym.make(env_id)
    try:
        # an Atari game's observation is its RGB frame; the others' a vector
        expected = row.atari_frame if row.atari_frame is not None else (row.observation_dim,)
        assert env.observation_space.shape == expected
        space = env.action_space
        if row.action_space == "discrete":
            assert isinstance(space, gym.spaces.Discrete) and space.n == row.num_actions
        else:
            assert isinstance(space, gym.spaces.Box) and space.shape == (row.num_actions,)
        assert env.spec is not None and env.spec.reward_threshold == row.reward_threshold
    finally:
        env.close()


@pytest.mark.parametrize(
    ("env_id", "box2d"),
    [("LunarLander-v3", True), ("LunarLanderContinuous-v3", True), ("CartPole-v1", False)],
)
def test_a_package_lists_what_gymnasium_needs_for_its_environment(env_id, box2d, tmp_path):
    # LunarLander's physics is Box2D: its package lists the wheel, CartPole's does not
    spec = tmp_path / "lander.yaml"
    spec.write_text(
        "name: lander\nmodality: {inputs: [tabular], outputs: [action]}\n"
        f"task: {{type: policy_gradient, environment: {env_id}}}\n"
    )
    code = synth_run(spec, tmp_path, "run") / "code"
    requirements = (code / "requirements.txt").read_text().splitlines()
    assert ("Box2D>=2.3.10" in requirements) == box2d
    assert "gymnasium[classic-control]>=1.0" in requirements
