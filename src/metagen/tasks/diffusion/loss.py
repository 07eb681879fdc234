"""The DDPM training loss: mean squared error between the predicted and the true noise."""

import torch.nn.functional as F


def denoising_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Epsilon prediction (Ho et al., 2020): MSE(model(x_t, t), noise); label_smoothing unused."""
    return F.mse_loss(outputs.float(), batch["targets"].float())
