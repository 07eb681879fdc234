"""A residual MLP over numeric features (the "ResNet" baseline of Gorishniy et al. 2021,
with LayerNorm), in reading order. One row in, one vector of outputs out: class logits, a
regression value, an embedding or a ranking score, by task."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_dropout, check_positive
from metagen.nn.mlp import GeluMLP


@dataclass
class TabularMLPConfig:
    num_features: int = 16  # numeric input columns (the data resizes it)
    d_model: int = 256
    n_layers: int = 4
    d_ff: int = 512
    num_outputs: int = 2  # classes, regression targets, embedding size, or 1 ranking score
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            num_features=self.num_features,
            d_model=self.d_model,
            n_layers=self.n_layers,
            d_ff=self.d_ff,
            num_outputs=self.num_outputs,
            norm_eps=self.norm_eps,
        )
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return {"features": torch.randn(batch_size, self.num_features, generator=generator)}


class TabularBlock(nn.Module):
    """x + MLP(LayerNorm(x))."""

    def __init__(self, config: TabularMLPConfig) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.mlp = GeluMLP(config.d_model, config.d_ff, bias=True, dropout=config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.mlp(self.norm(x))


class TabularMLP(nn.Module):
    """features (..., num_features) standardized -> outputs (..., num_outputs). Leading dims
    are free: a ranking list (B, L, F) scores every item, an embedding pair (B, 2, F) embeds
    both views."""

    def __init__(self, config: TabularMLPConfig) -> None:
        super().__init__()
        self.config = config
        self.stem = nn.Linear(config.num_features, config.d_model)
        self.blocks = nn.ModuleList(TabularBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.head = nn.Linear(config.d_model, config.num_outputs)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, features: torch.Tensor) -> torch.Tensor:
        x = self.stem(features)  # (..., C)
        for block in self.blocks:
            x = block(x)
        return self.final_norm(x)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features)  # (..., num_outputs)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(features))
