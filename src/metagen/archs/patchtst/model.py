"""Patch transformer forecaster (PatchTST, Nie et al., 2023).

The standardized window is padded at the end by repeating its last step `stride` times, cut
into overlapping patches of `patch_len` steps, and each patch (all variables of it: channel
mixing, where the paper's main model is channel-independent) is one token. Pre-norm
transformer blocks, then a flatten head maps every token's features to the horizon.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_positive
from metagen.nn.encoder import check_encoder_shape, encoder_from_config
from metagen.nn.forecast_common import ForecastWindow, restore_forecast, standardize_window
from metagen.nn.patch_embedding import init_vit_tokens


def patchtst_num_patches(lookback: int, patch_len: int, stride: int) -> int:
    return (lookback + stride - patch_len) // stride + 1  # after padding `stride` steps


@dataclass
class PatchTSTConfig(ForecastWindow):
    patch_len: int = 16
    stride: int = 8
    d_model: int = 128
    n_layers: int = 3
    n_heads: int = 4
    d_ff: int = 256
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        self.check_window()
        check_positive(
            patch_len=self.patch_len,
            stride=self.stride,
        )
        if self.patch_len > self.lookback:
            raise ValueError(
                f"patch_len ({self.patch_len}) must be at most lookback ({self.lookback})"
            )
        check_encoder_shape(self)

    @property
    def num_patches(self) -> int:
        return patchtst_num_patches(self.lookback, self.patch_len, self.stride)


class PatchEmbedding1d(nn.Module):
    """(B, L, C) -> (B, N, d): pad, cut patches of patch_len, project, add positions."""

    def __init__(self, config: PatchTSTConfig) -> None:
        super().__init__()
        self.patch_len, self.stride = config.patch_len, config.stride
        self.proj = nn.Linear(config.patch_len * config.channels, config.d_model)
        self.pos_embedding = nn.Parameter(torch.zeros(1, config.num_patches, config.d_model))
        init_vit_tokens(self.pos_embedding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x.transpose(1, 2), (0, self.stride), mode="replicate")  # (B, C, L + s)
        patches = x.unfold(-1, self.patch_len, self.stride)  # (B, C, N, P)
        patches = patches.permute(0, 2, 3, 1).flatten(2)  # (B, N, P * C)
        return self.proj(patches) + self.pos_embedding  # (B, N, d)


class PatchTST(nn.Module):
    """past (B, lookback, channels) -> forecast (B, horizon) of the target (the last channel)."""

    def __init__(self, config: PatchTSTConfig) -> None:
        super().__init__()
        self.config = config
        self.patch_embedding = PatchEmbedding1d(config)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = encoder_from_config(config)
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        self.head = nn.Linear(config.num_patches * config.d_model, config.horizon)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, past: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x, mean, std = standardize_window(past)  # (B, L, C)
        h = self.blocks(self.dropout(self.patch_embedding(x)))  # (B, N, d)
        return self.final_norm(h), mean, std

    def forward_head(
        self, features: tuple[torch.Tensor, torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        h, mean, std = features
        return restore_forecast(self.head(h.flatten(1)), mean, std)  # (B, H)

    def forward(self, past: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(past))
