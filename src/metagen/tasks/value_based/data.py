"""A value-based agent's data: the environment it collects transitions in (discrete actions
only), seen as observation vectors or as frames, and the held-out episodes it is evaluated
on."""

from metagen.data.atari import make_atari_environment
from metagen.data.environments import (
    held_out_seeds,
    make_vector_environment,
    space_dims,
    wrapped_environments,
)
from metagen.data.pixel_frames import make_pixel_environment


def value_based_environments(cfg: dict, source: str, seed: int):
    """(training environments, held-out episodes, info). `source` is a gymnasium environment
    id; the training copies reset from seed, seed + 1, ...; the held-out episodes from seeds
    no training reset uses. An environment with continuous actions is a ValueError: a
    Q-network scores a finite set of actions."""
    envs = make_vector_environment(source, cfg["num_envs"])
    held_out = {"env_id": source, "seeds": held_out_seeds(seed, cfg["eval_episodes"])}
    info = {
        "env_id": source,
        "num_envs": cfg["num_envs"],
        "observation_space": space_dims(envs.single_observation_space),
        "action_space": space_dims(envs.single_action_space),
    }
    return discrete_actions_only(envs, held_out, info)


def value_based_atari(cfg: dict, source: str, seed: int):
    """An Atari game's preprocessed frames (data/atari.py); `source` is an ALE id."""
    return wrapped_environments(make_atari_environment, cfg, source, seed)


def value_based_pixels(cfg: dict, source: str, seed: int):
    """A classic-control environment seen through its rendered frames (data/pixel_frames.py)."""
    return discrete_actions_only(*wrapped_environments(make_pixel_environment, cfg, source, seed))


def discrete_actions_only(envs, held_out: dict, info: dict):
    """The environments, unless their actions are continuous (then a ValueError)."""
    action_space = info["action_space"]
    if action_space["kind"] != "discrete":
        envs.close()
        raise ValueError(
            f"{info['env_id']} has continuous actions (a box of shape {action_space['shape']}); "
            "DQN scores a finite set of actions. Train it in an environment with discrete "
            "actions (CartPole-v1, Acrobot-v1, MountainCar-v0), or plan a task.type "
            "actor_critic (SAC) or policy_gradient (PPO) agent for it"
        )
    return envs, held_out, info
