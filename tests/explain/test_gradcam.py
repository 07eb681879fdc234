"""Grad-CAM against a direct computation on a small ResNet: the class score's gradient with
respect to the last conv map, taken through the whole forward, averaged per channel as the
channel's weight, the weighted sum of channels through a ReLU."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from metagen.archs.resnet.model import ResNet, ResNetConfig
from metagen.archs.vit.model import ViT, ViTConfig
from metagen.explain.gradcam import grad_cam


def _direct(model: ResNet, images: torch.Tensor, classes: torch.Tensor) -> torch.Tensor:
    kept = {}

    def keep(_module, _args, output: torch.Tensor) -> None:
        output.retain_grad()
        kept["map"] = output

    handle = model.stage4.register_forward_hook(keep)  # the last conv stage
    logits = model(images)
    handle.remove()
    logits[torch.arange(len(images)), classes].sum().backward()
    activations, gradients = kept["map"], kept["map"].grad  # (B, C, h, w) each
    cams = []
    for b in range(len(images)):
        weighted = sum(gradients[b, c].mean() * activations[b, c] for c in range(len(gradients[b])))
        cams.append(torch.relu(weighted))
    return torch.stack(cams).detach()


def test_grad_cam_equals_the_direct_computation() -> None:
    torch.manual_seed(0)
    config = ResNetConfig(block="basic", layers=[1, 1, 1, 1], width=8, num_classes=5,
                          stem="cifar", image_size=32)  # fmt: skip
    model = ResNet(config).eval()
    images = torch.randn(3, 3, 32, 32)
    maps, predicted = grad_cam(model, images)
    assert torch.equal(predicted, model(images).argmax(dim=-1))
    assert maps.shape == (3, 4, 4)  # 32 pixels, three stride-2 stages
    assert_close(maps, _direct(model, images, predicted))
    assert (maps > 0).any()  # the comparison is of real maps, not of two ReLU'd zeros
    chosen = (predicted + 1) % config.num_classes  # another class than the predicted one
    maps, classes = grad_cam(model, images, chosen)
    assert torch.equal(classes, chosen)
    assert_close(maps, _direct(model, images, chosen))
    assert (maps > 0).any()


def test_grad_cam_refuses_a_model_without_a_conv_map() -> None:
    config = ViTConfig(image_size=16, patch_size=4, d_model=32, n_layers=1, n_heads=4, d_ff=64,
                       num_classes=3)  # fmt: skip
    with pytest.raises(ValueError, match="no conv map"):
        grad_cam(ViT(config).eval(), torch.randn(1, 3, 16, 16))
