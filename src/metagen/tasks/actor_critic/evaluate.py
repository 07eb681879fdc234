"""A continuous agent's held-out episode returns, acting deterministically (tanh of the
actor's mean, scaled to the action box), beside a random policy's on the same episodes."""

import numpy as np
import torch

from metagen.evaluate.episode_returns import compare_with_random_policy


def to_env_action(action: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """An action in tanh's (-1, 1) scaled to the box [low, high]."""
    return (low + (action + 1.0) * 0.5 * (high - low)).astype(np.float32)


def deterministic_action(model, obs, env, device):
    """The actor's deterministic action for one observation, in the environment's box."""
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(obs), dtype=torch.float32, device=device).unsqueeze(0)
        action = model.actor.act(x)[0].cpu().numpy()
    return to_env_action(action, env.action_space.low, env.action_space.high)


def evaluate_continuous_policy(model, batches, device) -> dict:
    """`batches`: the held-out episodes ({"env_id", "seeds"}), as the data builder gives them."""
    model.eval()
    return compare_with_random_policy(
        lambda obs, env: deterministic_action(model, obs, env, device), batches
    )
