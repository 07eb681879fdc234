"""A small learned world model over observation vectors, for planning (PlaNet / TD-MPC's
split into parts, deterministic and one step at a time): an encoder from the observation to a
latent, latent dynamics conditioned on the action, a decoder back to the observation, and
reward, continuation and value heads. The planner (tasks/model_based/evaluate.py) rolls the
dynamics forward over candidate action sequences with `imagine`.

forward(obs) gives {"latent" (B, L), "value" (B,), "obs_recon" (B, obs_dim)}; with an action
((B,) int64 for discrete actions, (B, A) float for continuous) it adds "next_latent" (B, L),
"next_obs" (B, obs_dim): the predicted next observation, "reward" (B,): the predicted reward
of taking the action, and "continue_logit" (B,): the logit that the episode goes on after it.
"""

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from metagen.nn.checks import check_positive


@dataclass
class WorldModelConfig:
    obs_dim: int = 4  # the environment's observation vector
    num_actions: int = 2  # discrete: actions; continuous: the action vector's size
    continuous: bool = False
    d_latent: int = 32
    d_hidden: int = 64
    n_layers: int = 2  # hidden layers of each part's MLP

    def __post_init__(self) -> None:
        check_positive(
            obs_dim=self.obs_dim,
            num_actions=self.num_actions,
            d_latent=self.d_latent,
            d_hidden=self.d_hidden,
            n_layers=self.n_layers,
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return transition_inputs(self, (batch_size,), generator)


def transition_inputs(config, steps: tuple[int, ...], generator) -> dict[str, torch.Tensor]:
    """Random observations and actions of a world model's `config` (its obs_dim, num_actions
    and continuous), shaped `steps` (a batch, or a batch of windows)."""
    obs = torch.randn(*steps, config.obs_dim, generator=generator)
    if config.continuous:
        action = torch.rand(*steps, config.num_actions, generator=generator) * 2 - 1
    else:
        action = torch.randint(0, config.num_actions, steps, generator=generator)
    return {"obs": obs, "action": action}


def action_vector(action: torch.Tensor, config) -> torch.Tensor:
    """A discrete action as its one-hot vector, a continuous one as it is: (..., A)."""
    if config.continuous:
        return action.float()
    return nn.functional.one_hot(action.long(), config.num_actions).float()


def world_mlp(d_in: int, d_hidden: int, n_layers: int, d_out: int) -> nn.Sequential:
    """n_layers of Linear + SiLU, then a linear output layer."""
    layers: list[nn.Module] = []
    for i in range(n_layers):
        layers += [nn.Linear(d_in if i == 0 else d_hidden, d_hidden), nn.SiLU()]
    layers.append(nn.Linear(d_hidden, d_out))
    return nn.Sequential(*layers)


class WorldModelBase(nn.Module):
    """What every world model shares: the action as its dynamics read it, and forward as
    forward_head(forward_features(obs, action))."""

    config: Any  # a config with obs_dim, num_actions and continuous

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def action_input(self, action: torch.Tensor) -> torch.Tensor:
        return action_vector(action, self.config)

    def forward_features(self, obs: torch.Tensor, action: torch.Tensor | None = None) -> Any:
        raise NotImplementedError

    def forward_head(self, features: Any) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def forward(
        self, obs: torch.Tensor, action: torch.Tensor | None = None
    ) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(obs, action))


class EncodedWorldModel(WorldModelBase):
    """A world model whose latent reads its observation alone, through `encoder`: the latent,
    the loss's targets and forward's first outputs (with `value` and `decoder`) come from it."""

    encoder: nn.Module
    value: nn.Module
    decoder: nn.Module

    def next_states(self, obs, action, next_obs) -> tuple[torch.Tensor, torch.Tensor]:
        """The loss's targets (tasks/model_based/loss.py): the next observations' latents
        and their values."""
        latent = self.encoder(next_obs.float())
        return latent, self.value(latent).squeeze(-1)

    def forward_features(self, obs: torch.Tensor, action: torch.Tensor | None = None):
        """The observations' latents, and the actions as the dynamics read them (or None)."""
        latent = self.encoder(obs.float())  # (..., L)
        return latent, None if action is None else self.action_input(action)

    def latent_outputs(self, latent: torch.Tensor) -> dict[str, torch.Tensor]:
        """What a latent gives without an action: itself, its value, its observation."""
        return {
            "latent": latent,
            "value": self.value(latent).squeeze(-1),
            "obs_recon": self.decoder(latent),
        }


class WorldModel(EncodedWorldModel):
    """obs (B, obs_dim) [, action] -> the dict of the module docstring."""

    def __init__(self, config: WorldModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.encoder = world_mlp(c.obs_dim, c.d_hidden, c.n_layers, c.d_latent)
        # the dynamics predict the change of the latent: most of a step keeps the state
        self.dynamics = world_mlp(c.d_latent + c.num_actions, c.d_hidden, c.n_layers, c.d_latent)
        self.decoder = world_mlp(c.d_latent, c.d_hidden, c.n_layers, c.obs_dim)
        self.reward = world_mlp(c.d_latent + c.num_actions, c.d_hidden, c.n_layers, 1)
        self.continuation = world_mlp(c.d_latent, c.d_hidden, c.n_layers, 1)
        self.value = world_mlp(c.d_latent, c.d_hidden, c.n_layers, 1)

    def step(self, latent: torch.Tensor, action: torch.Tensor):
        """One imagined step from `latent` (..., L) taking `action` (already action_input's):
        the next latent, the reward of the step and the logit that the episode goes on."""
        x = torch.cat([latent, action], -1)  # (..., L + A)
        next_latent = latent + self.dynamics(x)
        reward = self.reward(x).squeeze(-1)
        return next_latent, reward, self.continuation(next_latent).squeeze(-1)

    def imagine(self, obs: torch.Tensor, actions: torch.Tensor) -> dict[str, torch.Tensor]:
        """Roll the dynamics over action sequences from each observation: obs (B, obs_dim),
        actions (B, N, H) discrete or (B, N, H, A) continuous, N candidate sequences of H
        steps. Gives "rewards" and "continue_logits" (B, N, H) and "final_value" (B, N), the
        value of the latent after the last step."""
        batch, candidates, horizon = actions.shape[:3]
        latent = self.encoder(obs.float())  # (B, L)
        latent = latent.unsqueeze(1).expand(batch, candidates, -1)  # (B, N, L)
        inputs = self.action_input(actions)  # (B, N, H, A)
        rewards, continues = [], []
        for t in range(horizon):
            latent, reward, cont = self.step(latent, inputs[:, :, t])
            rewards.append(reward)
            continues.append(cont)
        return {
            "rewards": torch.stack(rewards, -1),
            "continue_logits": torch.stack(continues, -1),
            "final_value": self.value(latent).squeeze(-1),
        }

    def forward_head(self, features) -> dict[str, torch.Tensor]:
        latent, action = features
        out = self.latent_outputs(latent)
        if action is not None:
            next_latent, reward, cont = self.step(latent, action)
            out.update(
                next_latent=next_latent,
                next_obs=self.decoder(next_latent),
                reward=reward,
                continue_logit=cont,
            )
        return out
