"""The world model's loss on a minibatch of transitions: the next observation (through the
latent dynamics and the decoder), the observation itself (the decoder), the latent dynamics
against the next observation's encoding, the reward, whether the episode goes on, and the
value against its one-step TD target (TD-MPC and Dreamer train the same heads). A world model
with a stochastic state (world_rssm) fits its prior to its posterior with DreamerV3's
balanced KL instead of the latent's squared error."""

import torch
from torch.nn import functional as F

# DreamerV3: the prior learns toward the posterior 5x faster than the posterior toward the
# prior, and neither below 1 nat per step (free bits), so the state keeps what it needs.
KL_DYNAMICS, KL_REPRESENTATION, FREE_NATS = 0.5, 0.1, 1.0


def world_model_targets(model, batch: dict, gamma: float) -> dict:
    """`batch` with the loss's targets from the next observation, without a gradient: its
    latent, and the value's TD target. The value head learns (1 - gamma) x the discounted
    return, the per-step reward it averages to, on the scale of the other targets (the
    planner scales it back)."""
    with torch.no_grad():
        latent, value = model.next_states(batch["obs"], batch["action"], batch["next_obs"])
    goes_on = 1.0 - batch["terminated"]
    value_target = (1 - gamma) * batch["reward"] + gamma * goes_on * value
    return {**batch, "next_latent": latent, "value_target": value_target}


def world_model_loss(outputs: dict, batch: dict) -> torch.Tensor:
    """batch: "obs", "action", "next_obs", "reward", "terminated" (1.0 where the episode
    ended, not where a time limit cut it), and the targets the loop computes without a
    gradient: "next_latent" (the next observation's encoding) and "value_target". A batch of
    windows (B, T, ...) may hold a "mask" (B, T): 1.0 for the steps of the window's first
    episode, the only ones scored."""
    mask = batch.get("mask")
    prediction = masked_mean((outputs["next_obs"] - batch["next_obs"]).square(), mask)
    reconstruction = masked_mean((outputs["obs_recon"] - batch["obs"]).square(), mask)
    if "posterior" in outputs:  # a stochastic state: its prior against its posterior
        consistency = masked_mean(balanced_kl(outputs["posterior"], outputs["prior"]), mask)
    else:
        consistency = masked_mean((outputs["next_latent"] - batch["next_latent"]).square(), mask)
    reward = masked_mean((outputs["reward"] - batch["reward"]).square(), mask)
    goes_on = masked_mean(
        F.binary_cross_entropy_with_logits(
            outputs["continue_logit"], 1.0 - batch["terminated"], reduction="none"
        ),
        mask,
    )
    value = masked_mean((outputs["value"] - batch["value_target"]).square(), mask)
    return prediction + reconstruction + consistency + reward + goes_on + value


def balanced_kl(posterior: torch.Tensor, prior: torch.Tensor) -> torch.Tensor:
    """Per step (...,): the KL of the posterior from the prior, diagonal Gaussians given as
    (..., 2, d_stoch) means and standard deviations, summed over z's values; once with the
    posterior fixed (it trains the prior) and once with the prior fixed (it trains the
    posterior), each at least FREE_NATS (DreamerV3's balance and free bits)."""

    def kl(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
        (p_mean, p_std), (q_mean, q_std) = p.unbind(-2), q.unbind(-2)
        ratio = (p_std / q_std).square() + ((p_mean - q_mean) / q_std).square()
        return 0.5 * (ratio - 1 - 2 * torch.log(p_std / q_std)).sum(-1)

    dynamics = kl(posterior.detach(), prior).clamp(min=FREE_NATS)
    representation = kl(posterior, prior.detach()).clamp(min=FREE_NATS)
    return KL_DYNAMICS * dynamics + KL_REPRESENTATION * representation


def masked_mean(error: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The mean of `error` over every value, or over the steps `mask` keeps (the mask's dims
    lead the error's)."""
    if mask is None:
        return error.mean()
    weights = mask.reshape(*mask.shape, *[1] * (error.dim() - mask.dim())).expand_as(error)
    return (error * weights).sum() / weights.sum()
