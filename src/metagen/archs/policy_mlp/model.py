"""An actor-critic MLP over an observation vector, as CleanRL's PPO agent builds it: an actor
and a critic, each its own tanh MLP, orthogonally initialised (policy head gain 0.01, value
head gain 1). A discrete agent's actor gives action logits; a continuous agent's gives the
Gaussian's mean, beside a learned, state-independent log standard deviation."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_positive


@dataclass
class PolicyMLPConfig:
    obs_dim: int = 4  # the environment's observation vector
    num_actions: int = 2  # discrete: actions; continuous: the action vector's size
    continuous: bool = False
    d_hidden: int = 64
    n_layers: int = 2  # hidden layers of the actor, and of the critic

    def __post_init__(self) -> None:
        check_positive(
            obs_dim=self.obs_dim,
            num_actions=self.num_actions,
            d_hidden=self.d_hidden,
            n_layers=self.n_layers,
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return {"obs": torch.randn(batch_size, self.obs_dim, generator=generator)}


def orthogonal_linear(d_in: int, d_out: int, gain: float) -> nn.Linear:
    """A linear layer with orthogonal weights of `gain` and zero bias (PPO's usual init)."""
    layer = nn.Linear(d_in, d_out)
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


def tanh_mlp(d_in: int, d_hidden: int, n_layers: int, d_out: int, out_gain: float) -> nn.Sequential:
    """n_layers of Linear + Tanh, then a linear output layer."""
    layers: list[nn.Module] = []
    for i in range(n_layers):
        layers += [orthogonal_linear(d_in if i == 0 else d_hidden, d_hidden, 2**0.5), nn.Tanh()]
    layers.append(orthogonal_linear(d_hidden, d_out, out_gain))
    return nn.Sequential(*layers)


class ActionLogStd(nn.Module):
    """The Gaussian policy's log standard deviation, one per action dimension, learned but
    the same in every state."""

    def __init__(self, num_actions: int) -> None:
        super().__init__()
        self.log_std = nn.Parameter(torch.zeros(num_actions))

    def forward(self, mean: torch.Tensor) -> torch.Tensor:
        # an add, not expand_as: a view of a parameter breaks torch's module hooks (flop counter)
        return torch.zeros_like(mean) + self.log_std


class PolicyMLP(nn.Module):
    """obs (B, obs_dim) -> {"logits" (B, A)} or {"mean", "log_std" (B, A)}, and "value" (B,)."""

    def __init__(self, config: PolicyMLPConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.actor = tanh_mlp(c.obs_dim, c.d_hidden, c.n_layers, c.num_actions, 0.01)
        self.critic = tanh_mlp(c.obs_dim, c.d_hidden, c.n_layers, 1, 1.0)
        self.log_std = ActionLogStd(c.num_actions) if c.continuous else None

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, obs: torch.Tensor) -> torch.Tensor:
        """The observation itself: the actor and the critic share no layers."""
        return obs.float()

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        value = self.critic(features).squeeze(-1)  # (B,)
        if self.log_std is None:
            return {"logits": self.actor(features), "value": value}
        mean = self.actor(features)  # (B, A)
        return {"mean": mean, "log_std": self.log_std(mean), "value": value}

    def forward(self, obs: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(obs))
