"""The segmentation U-Net and SegFormer beyond the registry-wide tests: their input checks, and
the training loss falling on one fixed batch of synthetic scenes."""

import pytest
import torch
from tests.archs.small_dims import SEG_UNET_BASE, SEGFORMER_BASE

from metagen.archs.build import build_from_dims
from metagen.data.synthetic_scenes import SceneSegmentationDataset
from metagen.train.segmentation_losses import panoptic_segmentation_loss, semantic_segmentation_loss

torch.set_num_threads(1)


def test_unet_rejects_sizes_its_levels_cannot_halve():
    model = build_from_dims("seg_unet", SEG_UNET_BASE)  # 3 levels: sides divisible by 4
    assert model(images=torch.zeros(1, 3, 20, 12)).shape == (1, 4, 20, 12)
    with pytest.raises(ValueError, match=r"\(18, 16\) must be divisible by 4"):
        model(images=torch.zeros(1, 3, 18, 16))
    with pytest.raises(ValueError, match="levels must be at least 2"):
        build_from_dims("seg_unet", {**SEG_UNET_BASE, "levels": 1})


def test_segformer_checks_sizes_against_its_stages():
    model = build_from_dims("segformer", SEGFORMER_BASE)
    assert model(images=torch.zeros(1, 3, 36, 68)).shape == (1, 5, 36, 68)
    with pytest.raises(ValueError, match="must be divisible by 4"):
        model(images=torch.zeros(1, 3, 38, 64))
    with pytest.raises(ValueError, match=r"stage 1 is 4 px wide .* less than its sr_ratio \(8\)"):
        build_from_dims("segformer", {**SEGFORMER_BASE, "image_size": 16})


@pytest.mark.parametrize(
    ("arch", "dims"),
    [
        ("seg_unet", {**SEG_UNET_BASE, "image_size": 32, "num_classes": 5}),
        ("segformer", {**SEGFORMER_BASE, "image_size": 32, "num_classes": 5}),
    ],
)
def test_loss_falls_on_a_fixed_batch(arch, dims):
    scenes = SceneSegmentationDataset(8, 32, 3, seed=0, num_classes=5)
    batch = torch.utils.data.default_collate([scenes[i] for i in range(8)])
    torch.manual_seed(0)
    model = build_from_dims(arch, dims)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(50):
        loss = semantic_segmentation_loss(model(images=batch["images"]), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.6 * losses[0], losses[::10]


@pytest.mark.parametrize(
    ("arch", "dims"),
    [
        (
            "seg_unet",
            {
                **SEG_UNET_BASE,
                "image_size": 32,
                "num_classes": 5,
                "instance_head": True,
                "thing_classes": [2, 3, 4],
            },
        ),
        (
            "segformer",
            {
                **SEGFORMER_BASE,
                "image_size": 32,
                "num_classes": 5,
                "instance_head": True,
                "thing_classes": [2, 3, 4],
            },
        ),
    ],
)
def test_panoptic_loss_falls_on_a_fixed_batch(arch, dims):
    scenes = SceneSegmentationDataset(8, 32, 3, seed=0, num_classes=5, panoptic=True)
    batch = torch.utils.data.default_collate([scenes[i] for i in range(8)])
    torch.manual_seed(0)
    model = build_from_dims(arch, dims)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        loss = panoptic_segmentation_loss(model(images=batch["images"]), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0], losses[::10]
