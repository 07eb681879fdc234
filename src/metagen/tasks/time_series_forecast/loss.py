"""The forecasting loss."""

import torch.nn.functional as F


def forecast_loss(outputs, batch: dict, label_smoothing: float = 0.0):
    """Mean squared error of the forecast (B, H), in the data's units."""
    return F.mse_loss(outputs.float(), batch["targets"].float())
