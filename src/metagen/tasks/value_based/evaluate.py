"""A Q-network's held-out episode returns, acting greedily (the action of highest value),
beside a random policy's on the same episodes."""

import numpy as np
import torch

from metagen.evaluate.episode_returns import compare_with_random_policy


def greedy_q_action(model, obs, env, device) -> int:
    """The action of highest Q-value for one observation."""
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(obs), dtype=torch.float32, device=device).unsqueeze(0)
        return int(model(obs=x)["q_values"].argmax(-1).item())


def evaluate_q_policy(model, batches, device) -> dict:
    """`batches`: the held-out episodes ({"env_id", "seeds"}), as the data builder gives them."""
    model.eval()
    return compare_with_random_policy(
        lambda obs, env: greedy_q_action(model, obs, env, device), batches
    )
