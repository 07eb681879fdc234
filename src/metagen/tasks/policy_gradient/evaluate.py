"""A policy's held-out episode returns, acting deterministically (the most likely action, or
the Gaussian's mean), beside a random policy's on the same episodes."""

import numpy as np
import torch

from metagen.evaluate.episode_returns import compare_with_random_policy


def greedy_action(model, obs, env, device):
    """The policy's most likely action for one observation, in the environment's terms."""
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(obs), dtype=torch.float32, device=device).unsqueeze(0)
        outputs = model(obs=x)
    if "logits" in outputs:
        return int(outputs["logits"].argmax(-1).item())
    mean = outputs["mean"][0].cpu().numpy()
    return np.clip(mean, env.action_space.low, env.action_space.high).astype(np.float32)


def evaluate_policy(model, batches, device) -> dict:
    """`batches`: the held-out episodes ({"env_id", "seeds"}), as the data builder gives them."""
    model.eval()
    return compare_with_random_policy(
        lambda obs, env: greedy_action(model, obs, env, device), batches
    )
