"""An off-policy actor-critic over an observation vector, for continuous actions, as CleanRL's
sac_continuous_action.py and td3_continuous_action.py build it: ReLU MLPs for an actor and
twin Q critics, and a target copy of the critics (and of a deterministic actor) that training
moves towards the live weights by Polyak averaging (the targets take no gradient).

actor "gaussian" (SAC, Haarnoja et al. 2018): the actor gives a Gaussian's mean and log
standard deviation per action dimension, and an action is tanh of a sample, in (-1, 1).
actor "deterministic" (TD3, Fujimoto et al. 2018): the actor gives tanh of its output.
The loop scales (-1, 1) to the environment's box.

forward(obs) -> {"action" (B, A): the deterministic action tanh(mean), "mean" (B, A),
"log_std" (B, A) (gaussian only), "q1", "q2" (B,): the critics' values of that action}."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_positive
from metagen.nn.relu_mlp import relu_mlp

ACTOR_KINDS = ("gaussian", "deterministic")
# CleanRL's bounds on the Gaussian's log standard deviation (std from 0.007 to 7.4).
LOG_STD_MIN, LOG_STD_MAX = -5.0, 2.0


@dataclass
class SACMLPConfig:
    obs_dim: int = 3  # the environment's observation vector
    num_actions: int = 1  # the action vector's size
    actor: str = "gaussian"  # "gaussian" (SAC) or "deterministic" (TD3)
    d_hidden: int = 256
    n_layers: int = 2  # hidden layers of the actor, and of each critic

    def __post_init__(self) -> None:
        check_positive(
            obs_dim=self.obs_dim,
            num_actions=self.num_actions,
            d_hidden=self.d_hidden,
            n_layers=self.n_layers,
        )
        if self.actor not in ACTOR_KINDS:
            raise ValueError(f"actor ({self.actor!r}) must be one of {ACTOR_KINDS}")

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return {"obs": torch.randn(batch_size, self.obs_dim, generator=generator)}


def squashed_gaussian_sample(
    mean: torch.Tensor, log_std: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """A reparameterised sample tanh(u), u ~ N(mean, std), and its log-density (B,): the
    Gaussian's, less log(1 - tanh(u)^2) per dimension (the change of variables; Haarnoja et
    al. 2018, appendix C), written as 2 (log 2 - u - softplus(-2u)) for stability."""
    normal = torch.distributions.Normal(mean, log_std.exp())
    u = normal.rsample()  # (B, A)
    log_det = 2.0 * (torch.log(torch.tensor(2.0)) - u - nn.functional.softplus(-2.0 * u))
    return torch.tanh(u), (normal.log_prob(u) - log_det).sum(-1)


class SquashedGaussianActor(nn.Module):
    """obs -> the Gaussian's mean and log standard deviation (bounded by a tanh)."""

    def __init__(self, obs_dim: int, d_hidden: int, n_layers: int, num_actions: int) -> None:
        super().__init__()
        self.body = relu_mlp(obs_dim, d_hidden, n_layers)
        self.mean = nn.Linear(d_hidden, num_actions)
        self.log_std = nn.Linear(d_hidden, num_actions)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(obs)
        log_std = torch.tanh(self.log_std(h))  # (-1, 1) -> [LOG_STD_MIN, LOG_STD_MAX]
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
        return self.mean(h), log_std

    def sample(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """An exploring action in (-1, 1) and its log-probability (B,)."""
        return squashed_gaussian_sample(*self(obs))

    def act(self, obs: torch.Tensor) -> torch.Tensor:
        """The deterministic action: tanh of the mean."""
        return torch.tanh(self(obs)[0])


class DeterministicActor(nn.Module):
    """obs -> tanh of a linear output: one action in (-1, 1)."""

    def __init__(self, obs_dim: int, d_hidden: int, n_layers: int, num_actions: int) -> None:
        super().__init__()
        self.body = relu_mlp(obs_dim, d_hidden, n_layers)
        self.mean = nn.Linear(d_hidden, num_actions)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, None]:
        return self.mean(self.body(obs)), None

    def act(self, obs: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self(obs)[0])


class TwinQ(nn.Module):
    """Two independent critics, each (obs, action) -> Q: the target takes their minimum to
    curb overestimation (clipped double Q, Fujimoto et al. 2018)."""

    def __init__(self, obs_dim: int, num_actions: int, d_hidden: int, n_layers: int) -> None:
        super().__init__()
        d_in = obs_dim + num_actions
        self.q1 = nn.Sequential(relu_mlp(d_in, d_hidden, n_layers), nn.Linear(d_hidden, 1))
        self.q2 = nn.Sequential(relu_mlp(d_in, d_hidden, n_layers), nn.Linear(d_hidden, 1))

    def forward(self, obs: torch.Tensor, action: torch.Tensor) -> tuple[torch.Tensor, ...]:
        x = torch.cat([obs, action], dim=-1)  # (B, obs_dim + A)
        return self.q1(x).squeeze(-1), self.q2(x).squeeze(-1)  # (B,) each


def frozen_copy(module: nn.Module, copy: nn.Module) -> nn.Module:
    """`copy` (built like `module`) holding `module`'s weights, taking no gradient."""
    copy.load_state_dict(module.state_dict())
    return copy.requires_grad_(False)


class SACMLP(nn.Module):
    """obs (B, obs_dim) -> {"action", "mean", ["log_std"], "q1", "q2"}; see the module's doc."""

    def __init__(self, config: SACMLPConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        actor_class = SquashedGaussianActor if c.actor == "gaussian" else DeterministicActor
        self.actor = actor_class(c.obs_dim, c.d_hidden, c.n_layers, c.num_actions)
        self.critic = TwinQ(c.obs_dim, c.num_actions, c.d_hidden, c.n_layers)
        self.critic_target = frozen_copy(
            self.critic, TwinQ(c.obs_dim, c.num_actions, c.d_hidden, c.n_layers)
        )
        self.actor_target = None  # TD3 smooths and bootstraps from a target actor
        if c.actor == "deterministic":
            target = DeterministicActor(c.obs_dim, c.d_hidden, c.n_layers, c.num_actions)
            self.actor_target = frozen_copy(self.actor, target)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, obs: torch.Tensor) -> torch.Tensor:
        """The observation itself: the actor and the critics share no layers."""
        return obs.float()

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        mean, log_std = self.actor(features)
        action = torch.tanh(mean)  # (B, A)
        q1, q2 = self.critic(features, action)
        out = {"action": action, "mean": mean, "q1": q1, "q2": q2}
        if log_std is not None:
            out["log_std"] = log_std
        return out

    def forward(self, obs: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(obs))
