"""Episode returns of an agent and of a random policy, on the same seeded episodes: the
held-out metric of every reinforcement-learning task."""

import numpy as np

from metagen.data.environments import make_environment


def play_episode(env, act, seed: int, max_steps: int | None = None) -> float:
    """The undiscounted return of one episode from reset(seed), choosing actions by `act`."""
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)  # a random policy's draws follow the episode's seed
    total, steps, done = 0.0, 0, False
    while not done:
        obs, reward, terminated, truncated, _ = env.step(act(obs, env))
        total += float(reward)
        steps += 1
        done = terminated or truncated or (max_steps is not None and steps >= max_steps)
    return total


def episode_returns(act, env_id: str, seeds: list[int], make_env=None) -> list[float]:
    """One return per seed; `act(obs, env)` gives the action for an observation. The episodes
    are played in `make_env(env_id)` (default make_environment)."""
    env = (make_env or make_environment)(env_id)
    try:
        return [play_episode(env, act, seed) for seed in seeds]
    finally:
        env.close()


def random_action(obs, env):
    return env.action_space.sample()


def returns_summary(returns: list[float], prefix: str = "") -> dict:
    values = np.asarray(returns, dtype=np.float64)
    return {
        f"{prefix}mean_return": float(values.mean()),
        f"{prefix}std_return": float(values.std()),
    }


def compare_with_random_policy(act, held_out: dict) -> dict:
    """The agent's mean and standard deviation of the return over the held-out episodes,
    beside a random policy's over the same episodes (same seeds). held_out["make_env"], where
    present, makes the environment (a pixel agent's wrapped frames)."""
    seeds, env_id, make_env = held_out["seeds"], held_out["env_id"], held_out.get("make_env")
    results = returns_summary(episode_returns(act, env_id, seeds, make_env))
    results.update(
        returns_summary(episode_returns(random_action, env_id, seeds, make_env), "random_")
    )
    results["episodes"] = len(seeds)
    return results
