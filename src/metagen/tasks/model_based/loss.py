"""The world model's loss on a minibatch of transitions: the next observation (through the
latent dynamics and the decoder), the observation itself (the decoder), the latent dynamics
against the next observation's encoding, the reward, whether the episode goes on, and the
value against its one-step TD target (TD-MPC and Dreamer train the same heads)."""

import torch
from torch.nn import functional as F


def world_model_targets(model, batch: dict, gamma: float) -> dict:
    """`batch` with the loss's targets from the next observation, without a gradient: its
    latent, and the value's TD target. The value head learns (1 - gamma) x the discounted
    return, the per-step reward it averages to, on the scale of the other targets (the
    planner scales it back)."""
    with torch.no_grad():
        after = model(obs=batch["next_obs"])
    goes_on = 1.0 - batch["terminated"]
    value_target = (1 - gamma) * batch["reward"] + gamma * goes_on * after["value"]
    return {**batch, "next_latent": after["latent"], "value_target": value_target}


def world_model_loss(outputs: dict, batch: dict) -> torch.Tensor:
    """batch: "obs", "action", "next_obs", "reward", "terminated" (1.0 where the episode
    ended, not where a time limit cut it), and the targets the loop computes without a
    gradient: "next_latent" (the next observation's encoding) and "value_target"."""
    prediction = F.mse_loss(outputs["next_obs"], batch["next_obs"])
    reconstruction = F.mse_loss(outputs["obs_recon"], batch["obs"])
    consistency = F.mse_loss(outputs["next_latent"], batch["next_latent"])
    reward = F.mse_loss(outputs["reward"], batch["reward"])
    goes_on = F.binary_cross_entropy_with_logits(
        outputs["continue_logit"], 1.0 - batch["terminated"]
    )
    value = F.mse_loss(outputs["value"], batch["value_target"])
    return prediction + reconstruction + consistency + reward + goes_on + value
