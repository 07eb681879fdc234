"""A world model whose latent dynamics are a causal transformer over the history of (latent,
action) tokens, as TWM (Robine et al. 2023) and IRIS (Micheli et al. 2023) model dynamics,
small and deterministic: the world model's encoder from an observation to a latent, decoder
back, and continuation and value heads (archs/world_model), with the step from a latent to the
next one read from every token before it. The planner (tasks/model_based/evaluate.py) rolls it
forward over candidate action sequences with `imagine`, feeding back its own latents.

forward(obs, action) takes one step (obs (B, obs_dim), action (B,) int64 or (B, A) float) or a
sequence of `context` steps at most (obs (B, T, obs_dim), action (B, T[, A])), and gives the
world model's keys with the same leading dims: "latent", "value", "obs_recon" and, with an
action, "next_latent", "next_obs", "reward" and "continue_logit"."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.archs.world_model.model import EncodedWorldModel, transition_inputs, world_mlp
from metagen.nn.causal_stack import causal_stack_from_config
from metagen.nn.checks import check_positive
from metagen.nn.encoder import check_encoder_shape
from metagen.nn.step_embedding import StepEmbedding


@dataclass
class WorldTransformerConfig:
    obs_dim: int = 4  # the environment's observation vector
    num_actions: int = 2  # discrete: actions; continuous: the action vector's size
    continuous: bool = False
    d_latent: int = 32
    context: int = 12  # steps a sequence holds: the training windows and the planner's horizon
    d_model: int = 64  # the transformer's width, and the hidden width of the MLP parts
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 256
    mlp_layers: int = 2  # hidden layers of the encoder, decoder, continuation and value MLPs
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            obs_dim=self.obs_dim,
            num_actions=self.num_actions,
            d_latent=self.d_latent,
            context=self.context,
            mlp_layers=self.mlp_layers,
        )
        check_encoder_shape(self)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return transition_inputs(self, (batch_size, self.context), generator)


class WorldTransformer(EncodedWorldModel):
    """obs [, action] -> the dict of the module docstring."""

    def __init__(self, config: WorldTransformerConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        d, depth = c.d_model, c.mlp_layers
        self.encoder = world_mlp(c.obs_dim, d, depth, c.d_latent)
        self.embed = StepEmbedding(c.d_latent + c.num_actions, d, c.context)  # (latent, action)
        self.blocks = causal_stack_from_config(c)
        self.norm = nn.LayerNorm(d, eps=c.norm_eps)
        # the dynamics predict the change of the latent: most of a step keeps the state
        self.dynamics = nn.Linear(d, c.d_latent)
        self.reward = nn.Linear(d, 1)
        self.decoder = world_mlp(c.d_latent, d, depth, c.obs_dim)
        self.continuation = world_mlp(c.d_latent, d, depth, 1)
        self.value = world_mlp(c.d_latent, d, depth, 1)

    def transition(self, latents: torch.Tensor, actions: torch.Tensor):
        """Each step's next latent and reward from the tokens up to it: latents (B, T, L),
        actions (B, T, A) as action_input gives them, T <= context."""
        h = self.norm(self.blocks(self.embed(torch.cat([latents, actions], -1))))  # (B, T, D)
        return latents + self.dynamics(h), self.reward(h).squeeze(-1)

    def imagine(self, obs: torch.Tensor, actions: torch.Tensor) -> dict[str, torch.Tensor]:
        """Roll the dynamics over action sequences from each observation, each predicted
        latent the next token: obs (B, obs_dim), actions (B, N, H) discrete or (B, N, H, A)
        continuous, N candidate sequences of H <= context steps. Gives "rewards" and
        "continue_logits" (B, N, H) and "final_value" (B, N)."""
        batch, candidates, horizon = actions.shape[:3]
        latent = self.encoder(obs.float())  # (B, L)
        latent = latent.unsqueeze(1).expand(batch, candidates, -1).reshape(batch * candidates, -1)
        inputs = self.action_input(actions).flatten(0, 1)  # (B*N, H, A)
        # each step's token attends to the cached keys and values of the steps before it
        caches = self.blocks.empty_caches(batch * candidates, horizon, like=latent)
        latents, rewards = [], []
        for t in range(horizon):
            token = self.embed(torch.cat([latent, inputs[:, t]], -1)[:, None], start=t)
            h = self.norm(self.blocks(token, caches))[:, 0]  # (B*N, D)
            latent = latent + self.dynamics(h)
            latents.append(latent)
            rewards.append(self.reward(h).squeeze(-1))
        imagined = torch.stack(latents, 1)  # (B*N, H, L)
        shape = (batch, candidates, horizon)
        return {
            "rewards": torch.stack(rewards, -1).reshape(shape),
            "continue_logits": self.continuation(imagined).squeeze(-1).reshape(shape),
            "final_value": self.value(latent).squeeze(-1).reshape(batch, candidates),
        }

    def forward_head(self, features) -> dict[str, torch.Tensor]:
        latent, action = features
        out = self.latent_outputs(latent)
        if action is not None:
            single = latent.dim() == 2  # one step: a sequence of one
            latents, actions = (latent[:, None], action[:, None]) if single else (latent, action)
            next_latent, reward = self.transition(latents, actions)
            if single:
                next_latent, reward = next_latent[:, 0], reward[:, 0]
            out.update(
                next_latent=next_latent,
                next_obs=self.decoder(next_latent),
                reward=reward,
                continue_logit=self.continuation(next_latent).squeeze(-1),
            )
        return out
