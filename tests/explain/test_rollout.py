"""Attention rollout against the rollout worked out by hand: on fixed attention matrices, and
on a tiny ViT whose attention is uniform by construction."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from metagen.archs.hybrid_vit.model import HybridViT, HybridViTConfig
from metagen.archs.vit.model import ViT, ViTConfig
from metagen.explain.explainers import Settings, token_classifier_maps
from metagen.explain.rollout import as_grid, attention_rollout, pooled_rollout


def _by_hand(layers: list[list[list[list[float]]]]) -> list[list[float]]:
    """Abnar & Zuidema's recipe, one number at a time, for one picture: heads averaged, the
    identity added, rows renormalised, each layer's matrix applied to the rollout so far."""
    size = len(layers[0][0])
    rollout = [[float(i == j) for j in range(size)] for i in range(size)]
    for heads in layers:
        mixed = [[sum(h[i][j] for h in heads) / len(heads) + (i == j) for j in range(size)]
                 for i in range(size)]  # fmt: skip
        mixed = [[value / sum(row) for value in row] for row in mixed]
        rollout = [[sum(mixed[i][k] * rollout[k][j] for k in range(size)) for j in range(size)]
                   for i in range(size)]  # fmt: skip
    return rollout


def test_rollout_equals_the_rollout_worked_out_by_hand() -> None:
    generator = torch.Generator().manual_seed(0)
    layers = [torch.rand(1, 2, 4, 4, generator=generator).softmax(dim=-1) for _ in range(3)]
    expected = torch.tensor(_by_hand([layer[0].tolist() for layer in layers]))
    assert_close(attention_rollout(layers)[0], expected)


def _vit(pool: str) -> ViT:
    return ViT(ViTConfig(image_size=16, patch_size=4, d_model=32, n_layers=3, n_heads=4,
                         d_ff=64, num_classes=3, pool=pool))  # fmt: skip


def _hybrid_vit(pool: str) -> HybridViT:
    """Two stride-2 conv stages: tokens of 4x4 pixels, as the ViT's patches."""
    config = HybridViTConfig(image_size=16, stem_channels=[8, 16], d_model=32, n_layers=3,
                             n_heads=4, d_ff=64, num_classes=3, pool=pool)  # fmt: skip
    return HybridViT(config)


@pytest.mark.parametrize("build", [_vit, _hybrid_vit])
def test_rollout_of_a_model_with_uniform_attention(build) -> None:
    """Zero queries and keys make every attention row uniform, U = 1/T everywhere. Then each
    layer is (U + I) / 2 and, as U @ U = U, L layers give 0.5**L I + (1 - 0.5**L) U: the class
    token passes (1 - 0.5**L) / T to each patch, and the mean of all rows 1 / T."""
    for pool in ("cls", "mean"):
        model = build(pool).eval()
        config = model.config
        with torch.no_grad():
            for block in model.blocks:
                block.attention.qkv.weight[: 2 * config.d_model] = 0  # queries and keys
                block.attention.qkv.bias[: 2 * config.d_model] = 0
        side = 4  # 16 pixels in 4-pixel patches or tokens
        tokens = side * side + (pool == "cls")
        kept = 1 - 0.5**config.n_layers
        share = kept / tokens if pool == "cls" else 1 / tokens
        maps = token_classifier_maps(model, torch.randn(2, 3, 16, 16), Settings())[0].maps
        assert_close(maps, torch.full((2, side, side), share))


def test_pooling_reads_the_class_row_or_the_mean_of_rows() -> None:
    rollout = torch.arange(2 * 5 * 5, dtype=torch.float32).reshape(2, 5, 5)
    assert_close(pooled_rollout(rollout, "cls", has_cls=True), rollout[:, 0, 1:])
    assert_close(pooled_rollout(rollout, "mean", has_cls=False), rollout.mean(dim=1))
    assert as_grid(pooled_rollout(rollout, "cls", has_cls=True)).shape == (2, 2, 2)
    with pytest.raises(ValueError, match="square grid"):
        as_grid(rollout[:, 0])
