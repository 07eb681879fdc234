"""CondInst's dynamic mask network against plain 1x1 convolutions, the instance segmentation
loss falling on a fixed batch, and decoded masks."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from metagen.archs.build import build_from_dims
from metagen.archs.condinst.model import condinst_param_count
from metagen.tasks.instance_segmentation.evaluate import instance_detections
from metagen.tasks.instance_segmentation.loss import condinst_mask_logits, dice_loss
from metagen.tasks.runtime import LOSSES

torch.set_num_threads(1)

DIMS = {
    "image_size": 64,
    "in_channels": 3,
    "num_classes": 3,
    "channels": [8, 16, 16, 32, 32],
    "c2f_blocks": [1, 1, 1, 1],
    "neck_blocks": 1,
    "reg_max": 16,
}


def test_dynamic_mask_network_is_three_1x1_convs() -> None:
    g = torch.Generator().manual_seed(0)
    n, c, h, w = 3, 8, 5, 6
    params = torch.randn(n, condinst_param_count(c, 8), generator=g)
    features = torch.randn(n, c, h, w, generator=g)
    cells = torch.tensor([[4.0, 4.0], [12.0, 20.0], [30.0, 2.0]])
    strides = torch.tensor([8.0, 16.0, 8.0])
    logits = condinst_mask_logits(params, features, cells, strides)
    for i in range(n):
        ys = (torch.arange(h) + 0.5) * 4
        xs = (torch.arange(w) + 0.5) * 4
        rel_x = (xs[None, :].expand(h, w) - cells[i, 0]) / (8 * strides[i])
        rel_y = (ys[:, None].expand(h, w) - cells[i, 1]) / (8 * strides[i])
        x = torch.cat((features[i], rel_x[None], rel_y[None]))[None]  # (1, c + 2, h, w)
        w1, w2, w3, b1, b2, b3 = params[i].split([8 * (c + 2), 64, 8, 8, 8, 1])
        x = F.relu(F.conv2d(x, w1.view(8, c + 2, 1, 1), b1))
        x = F.relu(F.conv2d(x, w2.view(8, 8, 1, 1), b2))
        torch.testing.assert_close(logits[i], F.conv2d(x, w3.view(1, 8, 1, 1), b3)[0, 0])


def test_dice_loss_is_zero_for_a_confident_exact_mask() -> None:
    target = torch.zeros(1, 4, 4)
    target[0, 1:3, 1:3] = 1
    assert dice_loss((target * 2 - 1) * 50, target).item() < 1e-6
    assert dice_loss(-(target * 2 - 1) * 50, target).item() > 0.99


def fixed_batch() -> dict:
    masks = torch.zeros(4, 2, 64, 64, dtype=torch.uint8)
    masks[:, 0, 6:28, 4:30] = 1
    masks[:, 1, 30:62, 36:60] = 1
    return {
        "images": torch.randn(4, 3, 64, 64, generator=torch.Generator().manual_seed(0)),
        "gt_boxes": torch.tensor([[[4.0, 6, 30, 28], [36, 30, 60, 62]]] * 4),
        "gt_classes": torch.tensor([[0, 2], [1, -1], [2, 1], [0, 0]]),
        "gt_masks": masks,
    }


def test_instance_loss_falls_and_masks_decode() -> None:
    torch.manual_seed(0)
    model = build_from_dims("condinst", DIMS)
    batch = fixed_batch()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-3)
    losses = []
    for _ in range(25):
        loss = LOSSES["instance_segmentation"](model(images=batch["images"]), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0], losses
    with torch.no_grad():
        found = instance_detections(model.train()(images=batch["images"]), batch["images"])
    assert len(found) == 4
    for image in found:
        assert image["masks"].dtype == torch.bool
        assert image["masks"].shape == (len(image["scores"]), 64, 64)
