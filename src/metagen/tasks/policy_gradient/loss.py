"""PPO's clipped surrogate objective, value loss and entropy bonus, on one minibatch of a
rollout (Schulman et al. 2017; CleanRL's ppo.py)."""

import torch


def action_distribution(outputs: dict) -> torch.distributions.Distribution:
    """Categorical over a discrete agent's logits; a diagonal Gaussian for a continuous one."""
    if "logits" in outputs:
        return torch.distributions.Categorical(logits=outputs["logits"])
    normal = torch.distributions.Normal(outputs["mean"], outputs["log_std"].exp())
    return torch.distributions.Independent(normal, 1)  # log-probs summed over action dims


def ppo_loss(
    outputs: dict,
    batch: dict,
    clip_coef: float | None = 0.2,
    vf_coef: float = 0.5,
    ent_coef: float = 0.0,
) -> torch.Tensor:
    """batch: the rollout's actions, their log-probs when taken, advantages and returns.
    clip_coef None: REINFORCE's plain policy gradient, no trust region (in one step on fresh
    data, ratio * advantage has the gradient of log-prob * advantage)."""
    dist = action_distribution(outputs)
    ratio = (dist.log_prob(batch["actions"]) - batch["logprobs"]).exp()
    adv = batch["advantages"]
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)  # per minibatch, as CleanRL does
    if clip_coef is None:
        policy_loss = (-adv * ratio).mean()
    else:
        clipped = ratio.clamp(1 - clip_coef, 1 + clip_coef)
        policy_loss = torch.max(-adv * ratio, -adv * clipped).mean()
    value_loss = 0.5 * (outputs["value"] - batch["returns"]).square().mean()
    return policy_loss + vf_coef * value_loss - ent_coef * dist.entropy().mean()
