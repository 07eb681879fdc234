"""The gymnasium environments that reinforcement-learning specs may name, as a table: planning
reads an environment's observation and action spaces here, without importing gymnasium
(tests/tasks/policy_gradient/test_rl_environments.py checks every row against
gymnasium.make)."""

from __future__ import annotations

from dataclasses import dataclass

from metagen.blueprint.model import Blueprint, PlanError


@dataclass(frozen=True)
class Environment:
    id: str  # gymnasium's id
    observation_dim: int  # the size of one observation vector
    action_space: str  # "discrete" or "continuous"
    num_actions: int  # discrete: how many actions; continuous: the action vector's size
    reward_threshold: float | None  # gymnasium's "solved" return, where it gives one
    # An Atari game's observation is an RGB frame (H, W, 3), not a vector (observation_dim 0);
    # agents see it preprocessed (data/atari.py). A classic-control environment's frames are
    # rendered on request (data/pixel_frames.py).
    atari_frame: tuple[int, int, int] | None = None
    # What pip installs, beyond gymnasium, for gymnasium to make it (Box2D's physics).
    requirement: str | None = None


# Atari 2600 games (ale-py, v5: sticky actions, each game's minimal action set) and their
# action counts: the Atari-5 benchmark games (Aitchison et al. 2023) and the classic ones.
ATARI_GAMES = (
    ("Pong", 6),
    ("Breakout", 4),
    ("Seaquest", 18),
    ("SpaceInvaders", 6),
    ("BeamRider", 9),
    ("Qbert", 6),
    ("Enduro", 9),
    ("MsPacman", 9),
    ("Asteroids", 14),
    ("BattleZone", 18),
    ("Phoenix", 8),
    ("NameThisGame", 6),
    ("DoubleDunk", 18),
)
ATARI_FRAME = (210, 160, 3)
# LunarLander's physics: the prebuilt Box2D wheel (gymnasium's box2d extra builds box2d-py
# from source, with swig).
BOX2D = "Box2D>=2.3.10"

ENVIRONMENTS = {
    env.id: env
    for env in (
        Environment("CartPole-v1", 4, "discrete", 2, 475.0),
        Environment("Acrobot-v1", 6, "discrete", 3, -100.0),
        Environment("MountainCar-v0", 2, "discrete", 3, -110.0),
        Environment("Pendulum-v1", 3, "continuous", 1, None),
        Environment("MountainCarContinuous-v0", 2, "continuous", 1, 90.0),
        Environment("LunarLander-v3", 8, "discrete", 4, 200.0, requirement=BOX2D),
        Environment("LunarLanderContinuous-v3", 8, "continuous", 2, 200.0, requirement=BOX2D),
        *(
            Environment(f"ALE/{game}-v5", 0, "discrete", actions, None, ATARI_FRAME)
            for game, actions in ATARI_GAMES
        ),
    )
}


def plan_environment(spec, blueprint: Blueprint, default: str) -> Environment:
    """The spec's task.environment (or `default`, with the decision recorded), checked against
    task.action_space and task.num_actions."""
    task = spec.task
    env_id = task.environment
    if env_id is None:
        env_id = default
        blueprint.decisions.append(
            f"No task.environment; the agent acts in {default} (set task.environment to choose)."
        )
    env = ENVIRONMENTS.get(env_id)
    if env is None:
        raise PlanError(
            f"task.environment '{env_id}' is not an environment MetaGen knows. Known: "
            f"{', '.join(sorted(ENVIRONMENTS))}. Set task.environment to one of them (ids are "
            "gymnasium's, case-sensitive)."
        )
    if task.action_space is not None and task.action_space != env.action_space:
        raise PlanError(
            f"task.action_space is {task.action_space}, but {env.id} has a {env.action_space} "
            f"action space. Set task.action_space: {env.action_space}, or remove it (the "
            "environment decides), or choose an environment with "
            f"{task.action_space} actions."
        )
    if task.num_actions is not None and task.num_actions != env.num_actions:
        what = "actions" if env.action_space == "discrete" else "action dimensions"
        raise PlanError(
            f"task.num_actions is {task.num_actions}, but {env.id} has {env.num_actions} "
            f"{what}. Set task.num_actions: {env.num_actions}, or remove it (the environment "
            "decides)."
        )
    images = list(spec.modality.inputs) == ["image"]
    if env.atari_frame is not None and not images:
        raise PlanError(
            f"{env.id} is an Atari game: its observations are frames, not vectors. Set "
            "modality.inputs: [image] and architecture.family: cnn (a CNN over stacked frames), "
            "or choose a classic-control environment for an agent over observation vectors."
        )
    return env
