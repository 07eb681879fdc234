"""A policy-gradient agent's data: the vector of environments it collects rollouts in, and
the held-out episodes it is evaluated on."""

from metagen.data.atari import make_atari_environment
from metagen.data.environments import (
    held_out_seeds,
    make_vector_environment,
    space_dims,
    wrapped_environments,
)
from metagen.data.observation_history import make_history_environment
from metagen.data.pixel_frames import make_pixel_environment


def policy_gradient_environments(cfg: dict, source: str, seed: int):
    """(training environments, held-out episodes, info). `source` is a gymnasium environment
    id; the training copies reset from seed, seed + 1, ...; the held-out episodes from seeds
    no training reset uses."""
    envs = make_vector_environment(source, cfg["num_envs"])
    held_out = {"env_id": source, "seeds": held_out_seeds(seed, cfg["eval_episodes"])}
    info = {
        "env_id": source,
        "num_envs": cfg["num_envs"],
        "observation_space": space_dims(envs.single_observation_space),
        "action_space": space_dims(envs.single_action_space),
    }
    return envs, held_out, info


def policy_gradient_atari(cfg: dict, source: str, seed: int):
    """An Atari game's preprocessed frames (data/atari.py); `source` is an ALE id."""
    return wrapped_environments(make_atari_environment, cfg, source, seed)


def policy_gradient_pixels(cfg: dict, source: str, seed: int):
    """A classic-control environment seen through its rendered frames (data/pixel_frames.py)."""
    return wrapped_environments(make_pixel_environment, cfg, source, seed)


def policy_gradient_history(cfg: dict, source: str, seed: int):
    """An environment seen through the history of its last cfg["context"] observation vectors
    (data/observation_history.py): a transformer policy's input."""
    return wrapped_environments(make_history_environment, cfg, source, seed)
