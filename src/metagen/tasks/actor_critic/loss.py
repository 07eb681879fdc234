"""SAC's and TD3's losses and targets, each a few lines of the papers' equations: the twin
critics' regression to one bootstrapped target, the entropy-regularised (SAC) or smoothed
(TD3) target, and the targets' Polyak averaging."""

import torch
from torch.nn import functional as F


def twin_q_loss(outputs: dict, batch: dict, **options) -> torch.Tensor:
    """Both critics' mean squared error to the same target: outputs {"q1", "q2"} (B,),
    batch {"target"} (B,)."""
    target = batch["target"]
    return F.mse_loss(outputs["q1"], target) + F.mse_loss(outputs["q2"], target)


def soft_q_target(rewards, dones, next_q1, next_q2, next_log_prob, alpha, gamma: float):
    """SAC's target: r + gamma (1 - done) (min(Q1', Q2') - alpha log pi(a'|s')), with a'
    sampled from the current policy at s' and Q' the target critics (Haarnoja et al. 2018,
    eq. 3 with clipped double Q). `dones` marks terminations only: a time limit's cut still
    bootstraps."""
    soft_value = torch.min(next_q1, next_q2) - alpha * next_log_prob
    return rewards + gamma * (1.0 - dones) * soft_value


def smoothed_target_action(next_action, noise_std: float, noise_clip: float):
    """TD3's target policy smoothing: the target actor's action in (-1, 1) plus Gaussian
    noise clipped to +-noise_clip, the sum clipped to the action range (Fujimoto et al. 2018,
    eq. 15, in the actor's tanh units)."""
    noise = (torch.randn_like(next_action) * noise_std).clamp(-noise_clip, noise_clip)
    return (next_action + noise).clamp(-1.0, 1.0)


def polyak_update(target: torch.nn.Module, source: torch.nn.Module, tau: float) -> None:
    """target <- tau source + (1 - tau) target, parameter by parameter."""
    with torch.no_grad():
        for t, s in zip(target.parameters(), source.parameters(), strict=True):
            t.mul_(1.0 - tau).add_(s, alpha=tau)
