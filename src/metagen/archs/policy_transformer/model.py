"""An actor-critic transformer over a history of observation vectors: each of the last
`context` observations is a token (a linear embedding plus a learned position), a pre-norm
causal transformer mixes them, and the last token's vector feeds the same heads and output
keys as policy_mlp (orthogonal init, policy head gain 0.01, value head gain 1), so PPO's
loop and loss work unchanged."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.archs.policy_mlp.model import ActionLogStd, orthogonal_linear
from metagen.nn.checks import check_positive
from metagen.nn.encoder import check_encoder_shape, encoder_from_config
from metagen.nn.step_embedding import StepEmbedding, causal_mask


@dataclass
class PolicyTransformerConfig:
    obs_dim: int = 4  # the environment's observation vector
    num_actions: int = 2  # discrete: actions; continuous: the action vector's size
    continuous: bool = False
    context: int = 8  # observations in the history, the newest last
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 256
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(obs_dim=self.obs_dim, num_actions=self.num_actions, context=self.context)
        check_encoder_shape(self)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.context, self.obs_dim)
        return {"obs": torch.randn(*shape, generator=generator)}


class PolicyTransformer(nn.Module):
    """obs (B, T, obs_dim) -> {"logits" (B, A)} or {"mean", "log_std" (B, A)}, and "value"
    (B,), from the last token; T <= context."""

    def __init__(self, config: PolicyTransformerConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.embed = StepEmbedding(c.obs_dim, c.d_model, c.context)
        self.blocks = encoder_from_config(c)
        self.norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.actor = orthogonal_linear(c.d_model, c.num_actions, 0.01)
        self.critic = orthogonal_linear(c.d_model, 1, 1.0)
        self.log_std = ActionLogStd(c.num_actions) if c.continuous else None

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, obs: torch.Tensor) -> torch.Tensor:
        """The last token's vector (B, d_model); attention is causal, so it alone sees all."""
        causal = causal_mask(obs.shape[1], obs.device)
        return self.norm(self.blocks(self.embed(obs), causal))[:, -1]

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        value = self.critic(features).squeeze(-1)  # (B,)
        if self.log_std is None:
            return {"logits": self.actor(features), "value": value}
        mean = self.actor(features)  # (B, A)
        return {"mean": mean, "log_std": self.log_std(mean), "value": value}

    def forward(self, obs: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(obs))
