"""Reconstruction models for anomaly detection: an MLP autoencoder, or a variational one
(Kingma & Welling, 2014), over a window of a series (window x channels) or a table row
(window 1, channels = features). A narrow latent keeps them from copying their input, so
what they cannot reconstruct, the reconstruction error flags."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.checks import check_dropout, check_positive


@dataclass
class AnomalyAutoencoderConfig:
    window: int = 64  # time steps per sample; 1 for table rows
    channels: int = 1  # variables per step; features for table rows
    d_model: int = 128  # width of the hidden layers
    n_layers: int = 2  # hidden layers in the encoder, and again in the decoder
    latent_dim: int = 8
    variational: bool = False
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            window=self.window,
            channels=self.channels,
            d_model=self.d_model,
            n_layers=self.n_layers,
            latent_dim=self.latent_dim,
        )
        check_dropout(self.dropout)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        """Standardized values, as the data pipeline gives them."""
        shape = (batch_size, self.window, self.channels)
        return {"values": torch.randn(shape, generator=generator)}


class ReconstructionMLP(nn.Module):
    """Linear + GELU layers from d_in through n_layers of d_model, then a linear to d_out."""

    def __init__(self, d_in: int, d_model: int, n_layers: int, d_out: int, dropout: float):
        super().__init__()
        sizes = [d_in] + [d_model] * n_layers
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:], strict=False))
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(d_model, d_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = self.dropout(F.gelu(layer(x)))
        return self.out(x)


class AnomalyAutoencoder(nn.Module):
    """values (B, window, channels) -> {"reconstruction": same shape}; a VAE adds the
    posterior's "mean" and "log_var" (B, latent_dim), which its loss needs. A VAE samples the
    latent in training and decodes the posterior mean in eval mode."""

    def __init__(self, config: AnomalyAutoencoderConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        size = c.window * c.channels
        latent_out = 2 * c.latent_dim if c.variational else c.latent_dim
        self.encoder = ReconstructionMLP(size, c.d_model, c.n_layers, latent_out, c.dropout)
        self.decoder = ReconstructionMLP(c.latent_dim, c.d_model, c.n_layers, size, c.dropout)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, values: torch.Tensor) -> dict[str, torch.Tensor]:
        """The latent code (and a VAE's posterior), from the flattened window."""
        encoded = self.encoder(values.flatten(1))  # (B, latent_out)
        if not self.config.variational:
            return {"latent": encoded}
        mean, log_var = encoded.chunk(2, dim=-1)  # (B, latent_dim) each
        latent = mean
        if self.training:
            latent = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        return {"latent": latent, "mean": mean, "log_var": log_var}

    def forward_head(self, features: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        c = self.config
        decoded = self.decoder(features["latent"]).view(-1, c.window, c.channels)
        outputs = {"reconstruction": decoded}  # (B, window, channels)
        if c.variational:
            outputs.update(mean=features["mean"], log_var=features["log_var"])
        return outputs

    def forward(self, values: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(values))
