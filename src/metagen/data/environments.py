"""gymnasium environments, the data of reinforcement learning: a vector of seeded copies to
train in, and the held-out episodes (environment id and one seed per episode) to evaluate on.
gymnasium is imported inside the functions, so that only agents' packages need it."""

from functools import partial

import numpy as np


def make_environment(env_id: str, render_mode: str | None = None):
    """One environment; an unknown id is a ValueError that names it."""
    import gymnasium as gym

    try:
        return gym.make(env_id, render_mode=render_mode)
    except gym.error.Error as error:
        raise ValueError(f"cannot make environment {env_id!r}: {error}") from None


def make_vector_environment(env_id: str, num_envs: int, make_env=None):
    """`num_envs` copies stepped in turn in this process, each made by `make_env(env_id)`
    (default make_environment; a pixel agent's wraps the frames). An episode's end resets that
    copy in the same step (the returned observation is the new episode's; info["final_obs"]
    holds the last one), so a rollout's step t always pairs an observation with the action
    taken on it."""
    import gymnasium as gym

    make = make_env or make_environment
    return gym.vector.SyncVectorEnv(
        [lambda: make(env_id) for _ in range(num_envs)],
        autoreset_mode=gym.vector.AutoresetMode.SAME_STEP,
    )


def space_dims(space) -> dict:
    """What a model needs of an environment's observation or action space, as plain data."""
    if hasattr(space, "n"):
        return {"kind": "discrete", "n": int(space.n)}
    return {
        "kind": "box",
        "shape": list(space.shape),
        "low": np.asarray(space.low, dtype=np.float64).tolist(),
        "high": np.asarray(space.high, dtype=np.float64).tolist(),
    }


def held_out_seeds(seed: int, episodes: int) -> list[int]:
    """Evaluation episodes' reset seeds, apart from the training resets' (seed, seed + 1, ...)."""
    return [1_000_003 * (seed + 1) + i for i in range(episodes)]


# The data settings (config.json's data) of an environment wrapper, recorded in data_info.json:
# a pixel agent's frames, a transformer policy's history.
WRAPPER_SETTINGS = ("image_size", "frame_stack", "context")


def wrapped_environments(make_env, cfg: dict, source: str, seed: int):
    """Training environments (made with training=True: an Atari game's episodic life and
    clipped rewards) and held-out episodes (whole games, true scores) of an agent that sees
    the environment through a wrapper (frames, or a history of observations), each made by
    `make_env(env_id, cfg, ...)`."""
    envs = make_vector_environment(
        source, cfg["num_envs"], partial(make_env, cfg=cfg, training=True)
    )
    held_out = {
        "env_id": source,
        "seeds": held_out_seeds(seed, cfg["eval_episodes"]),
        "make_env": partial(make_env, cfg=cfg),
    }
    info = {
        "env_id": source,
        "num_envs": cfg["num_envs"],
        "wrapper": {key: cfg[key] for key in WRAPPER_SETTINGS if key in cfg},
        "observation_space": space_dims(envs.single_observation_space),
        "action_space": space_dims(envs.single_action_space),
    }
    return envs, held_out, info
