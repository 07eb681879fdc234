"""A Q-network over an observation vector, as DQN builds it for classic control (Mnih et al.
2015's fully connected variant; CleanRL's dqn.py, RL Zoo's MlpPolicy): ReLU hidden layers,
then one linear layer giving each discrete action's value. PyTorch's default init."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_positive
from metagen.nn.relu_mlp import relu_mlp


@dataclass
class QMLPConfig:
    obs_dim: int = 4  # the environment's observation vector
    num_actions: int = 2  # discrete actions, one Q-value each
    d_hidden: int = 256
    n_layers: int = 2  # hidden layers

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


class QMLP(nn.Module):
    """obs (B, obs_dim) -> {"q_values" (B, A)}: the value of taking each action, then acting
    greedily."""

    def __init__(self, config: QMLPConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.body = relu_mlp(c.obs_dim, c.d_hidden, c.n_layers)
        self.head = nn.Linear(c.d_hidden, c.num_actions)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, obs: torch.Tensor) -> torch.Tensor:
        return self.body(obs.float())  # (B, d_hidden)

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"q_values": self.head(features)}  # (B, A)

    def forward(self, obs: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(obs))
