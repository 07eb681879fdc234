"""DQN's temporal-difference target and loss (Mnih et al. 2015), with the double-DQN target
(van Hasselt et al. 2016): the online network picks the next action, the target network
values it."""

import torch
import torch.nn.functional as F


def dqn_targets(
    rewards: torch.Tensor,
    terminated: torch.Tensor,
    next_q_online: torch.Tensor,
    next_q_target: torch.Tensor,
    gamma: float,
    double: bool = True,
) -> torch.Tensor:
    """r + gamma * (1 - terminated) * Q_target(s', a'), each (B,); a' = argmax of the online
    network's Q(s') (double DQN) or of the target network's own (DQN). A time limit's cut is
    not a termination: its next state is still bootstrapped."""
    if double:
        next_actions = next_q_online.argmax(-1, keepdim=True)  # (B, 1)
        next_value = next_q_target.gather(-1, next_actions).squeeze(-1)  # (B,)
    else:
        next_value = next_q_target.max(-1).values
    return rewards + gamma * (1.0 - terminated) * next_value


def dqn_loss(outputs: dict, batch: dict) -> torch.Tensor:
    """Huber loss (delta 1) between Q(s, a) of the actions taken and their TD targets."""
    q_taken = outputs["q_values"].gather(-1, batch["actions"].unsqueeze(-1)).squeeze(-1)
    return F.smooth_l1_loss(q_taken, batch["targets"])
