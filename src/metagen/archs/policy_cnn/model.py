"""A CNN agent over stacked frames, channels first (B, C, H, W), uint8 or float pixels scaled
by 1/255 inside the model. The trunk is Mnih et al. 2015's Nature DQN CNN or Espeholt et al.
2018's IMPALA CNN (residual stages), each ending in a ReLU linear layer; the head is an
actor-critic's policy logits and value (PPO, as CleanRL's Atari agents build it) or one
Q-value per action (DQN). Orthogonal init: gain sqrt(2) in the trunk, 0.01 for the policy,
1 for the value and the Q-values."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.archs.policy_mlp.model import orthogonal_linear
from metagen.nn.checks import check_choice, check_positive

POLICY_CNN_TRUNKS = ("nature", "impala")
POLICY_CNN_HEADS = ("actor_critic", "q_values")
IMPALA_CHANNELS = (16, 32, 32)


@dataclass
class PolicyCNNConfig:
    in_channels: int = 4  # stacked frames (grey), or 3 x stacked frames (RGB)
    image_size: int = 84  # square frames
    num_actions: int = 18
    trunk: str = "nature"
    head: str = "actor_critic"
    d_hidden: int = 512  # the trunk's last linear layer (Nature 512, IMPALA 256)
    res_blocks: int = 2  # IMPALA: residual blocks per stage (the Nature trunk has none)

    def __post_init__(self) -> None:
        check_positive(
            in_channels=self.in_channels,
            image_size=self.image_size,
            num_actions=self.num_actions,
            d_hidden=self.d_hidden,
            res_blocks=self.res_blocks,
        )
        check_choice("trunk", self.trunk, POLICY_CNN_TRUNKS)
        check_choice("head", self.head, POLICY_CNN_HEADS)
        if self.trunk == "nature" and self.image_size < 36:
            raise ValueError(
                f"image_size ({self.image_size}) must be at least 36 for the nature trunk's "
                "8x8/4, 4x4/2 and 3x3 convolutions"
            )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"obs": torch.randint(0, 256, shape, generator=generator, dtype=torch.uint8)}


def orthogonal_conv(c_in: int, c_out: int, kernel: int, stride: int = 1, padding: int = 0):
    conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding)
    nn.init.orthogonal_(conv.weight, 2**0.5)
    nn.init.zeros_(conv.bias)  # type: ignore[arg-type]  # built with a bias
    return conv


def nature_size(image_size: int) -> int:
    """The side of the Nature trunk's last feature map."""
    for kernel, stride in ((8, 4), (4, 2), (3, 1)):
        image_size = (image_size - kernel) // stride + 1
    return image_size


def nature_trunk(in_channels: int, image_size: int, d_hidden: int) -> nn.Sequential:
    side = nature_size(image_size)
    return nn.Sequential(
        orthogonal_conv(in_channels, 32, 8, stride=4),
        nn.ReLU(),
        orthogonal_conv(32, 64, 4, stride=2),
        nn.ReLU(),
        orthogonal_conv(64, 64, 3),
        nn.ReLU(),
        nn.Flatten(),
        orthogonal_linear(64 * side * side, d_hidden, 2**0.5),
        nn.ReLU(),
    )


class ImpalaResidual(nn.Module):
    """x + conv(relu(conv(relu(x)))), 3x3 convolutions that keep the shape."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv0 = orthogonal_conv(channels, channels, 3, padding=1)
        self.conv1 = orthogonal_conv(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv1(torch.relu(self.conv0(torch.relu(x))))


def impala_stage(c_in: int, c_out: int, res_blocks: int) -> nn.Sequential:
    """conv 3x3, max-pool 3x3/2 (halves the side, rounding up), residual blocks."""
    return nn.Sequential(
        orthogonal_conv(c_in, c_out, 3, padding=1),
        nn.MaxPool2d(3, stride=2, padding=1),
        *(ImpalaResidual(c_out) for _ in range(res_blocks)),
    )


def impala_size(image_size: int) -> int:
    """The side of the IMPALA trunk's last feature map."""
    for _ in IMPALA_CHANNELS:
        image_size = (image_size + 1) // 2
    return image_size


def impala_trunk(in_channels: int, image_size: int, d_hidden: int, res_blocks: int):
    stages, c_in = [], in_channels
    for c_out in IMPALA_CHANNELS:
        stages.append(impala_stage(c_in, c_out, res_blocks))
        c_in = c_out
    side = impala_size(image_size)
    return nn.Sequential(
        *stages,
        nn.Flatten(),
        nn.ReLU(),
        orthogonal_linear(c_in * side * side, d_hidden, 2**0.5),
        nn.ReLU(),
    )


class PolicyCNN(nn.Module):
    """obs (B, C, H, W) pixels in [0, 255] -> {"logits" (B, A), "value" (B,)} for an
    actor-critic, {"q_values" (B, A)} for a Q-network."""

    def __init__(self, config: PolicyCNNConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        if c.trunk == "nature":
            self.trunk = nature_trunk(c.in_channels, c.image_size, c.d_hidden)
        else:
            self.trunk = impala_trunk(c.in_channels, c.image_size, c.d_hidden, c.res_blocks)
        if c.head == "actor_critic":
            self.actor = orthogonal_linear(c.d_hidden, c.num_actions, 0.01)
            self.critic = orthogonal_linear(c.d_hidden, 1, 1.0)
        else:
            self.q_values = orthogonal_linear(c.d_hidden, c.num_actions, 1.0)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, obs: torch.Tensor) -> torch.Tensor:
        return self.trunk(obs.float() / 255.0)  # (B, d_hidden)

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        if self.config.head == "q_values":
            return {"q_values": self.q_values(features)}
        return {"logits": self.actor(features), "value": self.critic(features).squeeze(-1)}

    def forward(self, obs: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(obs))
