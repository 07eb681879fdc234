"""A two-tower recommender (Yi et al. 2019, YouTube's sampling-bias paper without the
correction): a user tower and an item tower, each an ID embedding refined by residual ReLU
layers; a user-item score is the dot product of the two vectors. Trained with in-batch
negatives: every other item of the batch is a negative for a user."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_positive


@dataclass
class TwoTowerConfig:
    num_users: int = 1000  # rows of the user table (the data resizes it)
    num_items: int = 500  # rows of the item table (the data resizes it)
    d_model: int = 64  # the embedding width of both towers
    n_layers: int = 2  # residual layers per tower

    def __post_init__(self) -> None:
        check_positive(
            num_users=self.num_users,
            num_items=self.num_items,
            d_model=self.d_model,
            n_layers=self.n_layers,
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return {
            "users": torch.randint(0, self.num_users, (batch_size,), generator=generator),
            "items": torch.randint(0, self.num_items, (batch_size,), generator=generator),
        }


class Tower(nn.Module):
    """ID -> embedding, then x + ReLU(W x + b) per layer."""

    def __init__(self, rows: int, config: TwoTowerConfig) -> None:
        super().__init__()
        self.embedding = nn.Embedding(rows, config.d_model)
        nn.init.normal_(self.embedding.weight, std=0.1)
        self.layers = nn.ModuleList(
            nn.Linear(config.d_model, config.d_model) for _ in range(config.n_layers)
        )

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embedding(ids)  # (B, D)
        for layer in self.layers:
            x = x + F.relu(layer(x))
        return x


class TwoTower(nn.Module):
    """(users (B,), items (B,)) -> scores (B, B): every user of the batch against every item."""

    def __init__(self, config: TwoTowerConfig) -> None:
        super().__init__()
        self.config = config
        self.user_tower = Tower(config.num_users, config)
        self.item_tower = Tower(config.num_items, config)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return torch.stack([self.user_tower(users), self.item_tower(items)])  # (2, B, D)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return features[0] @ features[1].T  # (B users, B items)

    def forward(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(users, items))
