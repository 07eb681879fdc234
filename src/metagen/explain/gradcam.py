"""Grad-CAM (Selvaraju et al., 2017) for a classifier whose forward_features returns its
last conv feature map (B, C, h, w) and whose forward_head turns that map into logits."""

from __future__ import annotations

import torch


def grad_cam(model, images: torch.Tensor, classes: torch.Tensor | None = None):
    """(maps (B, h, w), classes (B,)): each map is ReLU(sum_c w_c A_c), w_c the spatial mean
    of d(class score)/dA_c over the last conv map A; the class is the predicted one unless
    `classes` names it."""
    with torch.enable_grad():
        features = model.forward_features(images)  # (B, C, h, w)
        if features.dim() != 4:
            raise ValueError(f"forward_features gives {tuple(features.shape)}, no conv map")
        features = features.detach().requires_grad_(True)
        logits = model.forward_head(features)  # (B, num_classes)
        if classes is None:
            classes = logits.argmax(dim=-1)
        score = logits.gather(1, classes[:, None]).sum()  # rows are independent
        (gradients,) = torch.autograd.grad(score, features)  # (B, C, h, w)
    weights = gradients.mean(dim=(2, 3), keepdim=True)  # (B, C, 1, 1)
    return (weights * features.detach()).sum(dim=1).relu(), classes
