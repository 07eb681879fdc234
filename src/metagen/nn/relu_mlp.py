"""The plain ReLU MLP trunk that off-policy agents (DQN's Q-network, SAC's and TD3's actor and
critics) build their heads on."""

from torch import nn


def relu_mlp(d_in: int, d_hidden: int, n_layers: int) -> nn.Sequential:
    """n_layers of Linear + ReLU."""
    layers: list[nn.Module] = []
    for i in range(n_layers):
        layers += [nn.Linear(d_in if i == 0 else d_hidden, d_hidden), nn.ReLU()]
    return nn.Sequential(*layers)
