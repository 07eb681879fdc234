"""Issue 16's check: the attention rollout of a ViT on a synthetic picture with one bright
object puts its mass on that object's patches. An untrained ViT spreads it by area, so a
small ViT is first trained here, in seconds, to name the object's colour on the library's
drawn shapes (the colour is in the object's pixels only; the background is gray)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metagen.archs.vit.model import ViT, ViTConfig
from metagen.data.pixels import normalize_pixels
from metagen.data.synthetic_images import ShapesDataset
from metagen.explain.explainers import Settings, token_classifier_maps

SIDE, PATCH = 32, 8
STEPS, BATCH = 300, 32
# The object's patches must hold this many times their share of the picture's area. The
# rollout keeps a residual share on every token, so even a perfect model stays below all;
# this run measured 1.83 (0.386 of the mass on 0.211 of the area; an untrained ViT 1.00).
WELL_ABOVE = 1.5
# A pixel whose channels spread this far is coloured: the object. The background is gray with
# per-channel noise of std 0.04; the drawn colours spread 0.6 or more.
COLOURED = 0.3


@pytest.fixture
def one_thread():
    """Two cores shared with other test processes: one thread trains ~40x faster here."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _pictures(count: int, seed: int) -> tuple[np.ndarray, torch.Tensor, int]:
    """(pictures (N, 3, H, W) in [0, 1], the object's colour index (N,), colour count)."""
    shapes = ShapesDataset(count, image_size=SIDE, seed=seed)
    colours = sorted({colour for _, colour in shapes.classes})
    drawn = [shapes.draw(i) for i in range(count)]
    labels = [colours.index(shapes.classes[label][1]) for _, label in drawn]
    return np.stack([image for image, _ in drawn]), torch.tensor(labels), len(colours)


def _trained_vit() -> ViT:
    pictures, labels, colours = _pictures(1024, seed=0)
    images = normalize_pixels(torch.from_numpy(pictures))
    config = ViTConfig(image_size=SIDE, patch_size=PATCH, d_model=64, n_layers=4, n_heads=4,
                       d_ff=128, num_classes=colours)  # fmt: skip
    torch.manual_seed(0)
    model = ViT(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(0)
    for _ in range(STEPS):
        batch = torch.randint(len(images), (BATCH,), generator=generator)
        loss = torch.nn.functional.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


def test_rollout_puts_its_mass_on_the_bright_object(one_thread) -> None:
    model = _trained_vit()
    pictures, labels, _ = _pictures(64, seed=1)  # held out: another seed
    images = normalize_pixels(torch.from_numpy(pictures))
    with torch.no_grad():
        accuracy = (model(images).argmax(dim=-1) == labels).float().mean().item()
        maps = token_classifier_maps(model, images, Settings())[0].maps.numpy()  # (N, g, g)
    assert accuracy > 0.9, accuracy  # of 3 colours: it learned them, so it finds the object
    grid = SIDE // PATCH
    coloured = pictures.max(axis=1) - pictures.min(axis=1) > COLOURED  # (N, H, W)
    covered = coloured.reshape(len(pictures), grid, PATCH, grid, PATCH).mean(axis=(2, 4))
    on_object = covered > 0.5  # (N, g, g): patches mostly covered by the object
    mass = (maps * on_object).sum(axis=(1, 2)) / maps.sum(axis=(1, 2))
    area = on_object.mean(axis=(1, 2))
    assert area.min() > 0  # every picture has object patches to look at
    assert (mass > area).all()  # each picture, not only on average
    ratio = mass.mean() / area.mean()
    assert ratio > WELL_ABOVE, f"object patches hold {mass.mean():.3f} of the mass, " \
                               f"{area.mean():.3f} of the area"  # fmt: skip
