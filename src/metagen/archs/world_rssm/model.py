"""A recurrent state-space world model (RSSM: PlaNet, Hafner et al. 2019; the world model of
Dreamer), small: the state is a deterministic part h, a GRU's memory of the steps so far, and
a stochastic part z, a diagonal Gaussian. Each step the GRU reads the previous z and action;
the prior guesses z from h alone, the posterior from h and the observation's embedding.
Training fits the prior to the posterior (DreamerV3's balanced KL with free bits,
tasks/model_based/loss.py); imagination runs on priors. The planner
(tasks/model_based/evaluate.py) rolls it forward over candidate action sequences with
`imagine`.

forward(obs, action) takes one step (obs (B, obs_dim), action (B,) int64 or (B, A) float) or
a window of consecutive steps of one episode (obs (B, T, obs_dim), action (B, T[, A])), read
from the learned initial memory, and gives, with the same leading dims: "latent" (the
posterior state, h and z), "value" and "obs_recon" of it; "next_latent" (the prior state
after the action), and from it "next_obs", "reward" and "continue_logit"; "posterior" and
"prior" (..., 2, d_stoch): the means and standard deviations of the step's z, for the KL.
Without an action, each observation is read from the learned initial memory. In training
mode z is sampled (reparameterised); in eval mode it is the mean, so planning is
deterministic."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.archs.world_model.model import WorldModelBase, transition_inputs, world_mlp
from metagen.nn.checks import check_positive


@dataclass
class WorldRSSMConfig:
    obs_dim: int = 4  # the environment's observation vector
    num_actions: int = 2  # discrete: actions; continuous: the action vector's size
    continuous: bool = False
    d_deter: int = 64  # the GRU's state h
    d_stoch: int = 32  # z: a diagonal Gaussian of d_stoch values
    d_hidden: int = 64  # the MLPs' hidden width and the GRU's input
    mlp_layers: int = 2  # hidden layers of the encoder, decoder, reward, continuation, value
    min_std: float = 0.1  # PlaNet: z's standard deviation is at least this

    def __post_init__(self) -> None:
        check_positive(
            obs_dim=self.obs_dim,
            num_actions=self.num_actions,
            d_deter=self.d_deter,
            d_stoch=self.d_stoch,
            d_hidden=self.d_hidden,
            mlp_layers=self.mlp_layers,
            min_std=self.min_std,
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return transition_inputs(self, (batch_size,), generator)


class InitialMemory(nn.Module):
    """DreamerV3's learned initial memory: h before the first step, tanh of a parameter."""

    def __init__(self, d_deter: int) -> None:
        super().__init__()
        self.state = nn.Parameter(0.1 * torch.randn(d_deter))

    def forward(self, batch: int) -> torch.Tensor:
        return torch.tanh(self.state).expand(batch, -1)


class WorldRSSM(WorldModelBase):
    """obs [, action] -> the dict of the module docstring."""

    def __init__(self, config: WorldRSSMConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        d, depth, state = c.d_hidden, c.mlp_layers, c.d_deter + c.d_stoch
        self.initial = InitialMemory(c.d_deter)
        self.encoder = world_mlp(c.obs_dim, d, depth, d)  # the observation's embedding
        self.posterior = world_mlp(c.d_deter + d, d, 1, 2 * c.d_stoch)  # z from h, embedding
        self.step_in = nn.Sequential(nn.Linear(c.d_stoch + c.num_actions, d), nn.SiLU())
        self.gru = nn.GRUCell(d, c.d_deter)
        self.prior = world_mlp(c.d_deter, d, 1, 2 * c.d_stoch)  # z from h alone
        self.decoder = world_mlp(state, d, depth, c.obs_dim)
        self.reward = world_mlp(state, d, depth, 1)
        self.continuation = world_mlp(state, d, depth, 1)
        self.value = world_mlp(state, d, depth, 1)

    # ---------------------------------------------------------------------------------------
    # the stochastic state

    def gaussian(self, raw: torch.Tensor) -> torch.Tensor:
        """(..., 2 * d_stoch) outputs -> (..., 2, d_stoch): z's mean and standard deviation
        (softplus, at least min_std)."""
        mean, std = raw.chunk(2, -1)
        std = nn.functional.softplus(std) + self.config.min_std
        return torch.stack([mean, std], -2)

    def sample(self, stats: torch.Tensor) -> torch.Tensor:
        """z (..., d_stoch): a reparameterised draw in training, the mean in eval."""
        mean, std = stats.unbind(-2)
        return mean + std * torch.randn_like(std) if self.training else mean

    def observe(self, h: torch.Tensor, embedding: torch.Tensor):
        """The posterior from the memory h and an observation's embedding: z, and its mean
        and standard deviation (gaussian's)."""
        stats = self.gaussian(self.posterior(torch.cat([h, embedding], -1)))
        return self.sample(stats), stats

    def advance(self, h: torch.Tensor, z: torch.Tensor, action: torch.Tensor):
        """One step of the memory after taking `action` (action_input's) in state (h, z): the
        next h, and the prior's mean and standard deviation of the next z."""
        h = self.gru(self.step_in(torch.cat([z, action], -1)), h)
        return h, self.gaussian(self.prior(h))

    def heads(self, state: torch.Tensor) -> dict[str, torch.Tensor]:
        """What a state (h and z) predicts of its step: the reward that led to it and whether
        the episode goes on from it."""
        return {
            "reward": self.reward(state).squeeze(-1),
            "continue_logit": self.continuation(state).squeeze(-1),
        }

    # ---------------------------------------------------------------------------------------
    # a window of real steps, and imagined ones

    def filter(self, obs: torch.Tensor, action: torch.Tensor) -> dict[str, torch.Tensor]:
        """Read a window obs (B, T, obs_dim), action (B, T, A) (action_input's) from the
        learned initial memory: each step's posterior state and the prior state after its
        action, (B, T, S), both z distributions of the step (B, T, 2, d_stoch), and the
        memory after each action (B, T, d_deter)."""
        batch, steps = obs.shape[:2]
        embedding = self.encoder(obs.float())
        h = self.initial(batch)
        prior_stats = self.gaussian(self.prior(h))
        keys = ("latent", "next_latent", "posterior", "prior", "next_h")
        out: dict[str, list[torch.Tensor]] = {key: [] for key in keys}
        for t in range(steps):
            z, posterior = self.observe(h, embedding[:, t])
            out["latent"].append(torch.cat([h, z], -1))
            out["posterior"].append(posterior)
            out["prior"].append(prior_stats)
            h, prior_stats = self.advance(h, z, action[:, t])
            out["next_latent"].append(torch.cat([h, self.sample(prior_stats)], -1))
            out["next_h"].append(h)
        return {key: torch.stack(values, 1) for key, values in out.items()}

    def next_states(self, obs, action, next_obs) -> tuple[torch.Tensor, torch.Tensor]:
        """The loss's targets (tasks/model_based/loss.py): the posterior state of each next
        observation, read with the memory after the step's action, and its value."""
        single = obs.dim() == 2
        if single:
            obs, action, next_obs = obs[:, None], action[:, None], next_obs[:, None]
        h = self.filter(obs, self.action_input(action))["next_h"]
        z, _ = self.observe(h, self.encoder(next_obs.float()))
        latent = torch.cat([h, z], -1)
        value = self.value(latent).squeeze(-1)
        return (latent[:, 0], value[:, 0]) if single else (latent, value)

    def imagine(self, obs: torch.Tensor, actions: torch.Tensor) -> dict[str, torch.Tensor]:
        """Roll the priors over action sequences from each observation, read from the learned
        initial memory: obs (B, obs_dim), actions (B, N, H) discrete or (B, N, H, A) continuous, N
        candidate sequences of H steps. Gives "rewards" and "continue_logits" (B, N, H) and
        "final_value" (B, N), the value of the state after the last step."""
        batch, candidates, horizon = actions.shape[:3]
        h = self.initial(batch)
        z, _ = self.observe(h, self.encoder(obs.float()))
        h, z = (x.repeat_interleave(candidates, 0) for x in (h, z))  # (B*N, ...)
        inputs = self.action_input(actions).flatten(0, 1)  # (B*N, H, A)
        rewards, continues = [], []
        for t in range(horizon):
            h, prior_stats = self.advance(h, z, inputs[:, t])
            z = self.sample(prior_stats)
            predicted = self.heads(torch.cat([h, z], -1))
            rewards.append(predicted["reward"])
            continues.append(predicted["continue_logit"])
        shape = (batch, candidates, horizon)
        return {
            "rewards": torch.stack(rewards, -1).reshape(shape),
            "continue_logits": torch.stack(continues, -1).reshape(shape),
            "final_value": self.value(torch.cat([h, z], -1)).squeeze(-1).reshape(shape[:2]),
        }

    # ---------------------------------------------------------------------------------------

    def forward_features(self, obs: torch.Tensor, action: torch.Tensor | None = None):
        """The window's states and z distributions (one step: a window of one)."""
        single = obs.dim() == 2
        if action is None:  # each observation from the learned initial memory
            h = self.initial(obs.shape[:-1].numel()).reshape(*obs.shape[:-1], -1)
            z, posterior = self.observe(h, self.encoder(obs.float()))
            prior_stats = self.gaussian(self.prior(h))
            return {"latent": torch.cat([h, z], -1), "posterior": posterior,
                    "prior": prior_stats}  # fmt: skip
        inputs = self.action_input(action)
        if single:
            obs, inputs = obs[:, None], inputs[:, None]
        out = self.filter(obs, inputs)
        return {key: value[:, 0] for key, value in out.items()} if single else out

    def forward_head(self, features: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        latent = features["latent"]
        out = {
            "latent": latent,
            "value": self.value(latent).squeeze(-1),
            "obs_recon": self.decoder(latent),
            "posterior": features["posterior"],
            "prior": features["prior"],
        }
        if "next_latent" in features:
            next_latent = features["next_latent"]
            out.update(next_latent=next_latent, next_obs=self.decoder(next_latent))
            out.update(self.heads(next_latent))
        return out
