"""The world model's loss on a minibatch of transitions: the next observation (through the
latent dynamics and the decoder), the observation itself (the decoder), the latent dynamics
against the next observation's encoding, the reward, whether the episode goes on, and the
value against its one-step TD target (TD-MPC and Dreamer train the same heads)."""

import torch
from torch.nn import functional as F


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
