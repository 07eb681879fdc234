"""The anomaly detector's training loss: reconstruction error (and a VAE's KL term)."""

import torch.nn.functional as F


def anomaly_reconstruction_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Mean squared reconstruction error; a VAE adds the KL divergence of its posterior from
    N(0, I), per value of the window: (SSE + KL) / (window x channels) per sample, the negative
    ELBO (up to a constant) of a Gaussian decoder with variance 1/2."""
    values = batch["values"].float()  # (B, W, C)
    loss = F.mse_loss(outputs["reconstruction"].float(), values)
    if "mean" in outputs:
        mean, log_var = outputs["mean"].float(), outputs["log_var"].float()
        kl = -0.5 * (1 + log_var - mean.square() - log_var.exp()).sum(dim=-1)  # (B,)
        loss = loss + kl.mean() / values[0].numel()
    return loss
