"""Video models: divided space-time attention mixes frames only through its temporal attention,
the denoiser's unpatchify inverts the tubelet patchify, and R3D-18 has its published size."""

import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims
from metagen.archs.video_transformer.model import DividedSpaceTimeBlock, VideoTransformerConfig
from metagen.blueprint.counts import count_params

torch.set_num_threads(1)

B, T, N, C = 2, 5, 6, 16


@pytest.fixture
def block() -> DividedSpaceTimeBlock:
    torch.manual_seed(0)
    config = VideoTransformerConfig(d_model=C, n_heads=4, d_ff=32)
    return DividedSpaceTimeBlock(config).eval()


def tokens(seed: int = 0) -> torch.Tensor:
    return torch.randn(B, T, N, C, generator=torch.Generator().manual_seed(seed))  # (B, T, N, C)


def perturbed(x: torch.Tensor, frame: int, patch: int | None = None) -> torch.Tensor:
    """x with new values at one frame (all its patches, or one patch)."""
    y = x.clone()
    where = (slice(None), frame) if patch is None else (slice(None), frame, patch)
    y[where] = torch.randn(y[where].shape, generator=torch.Generator().manual_seed(99))
    return y


@torch.no_grad()
def test_spatial_attention_stays_within_each_frame(block) -> None:
    x = tokens()
    out, changed = block.attend_space(x), block.attend_space(perturbed(x, frame=3))
    others = [t for t in range(T) if t != 3]
    torch.testing.assert_close(changed[:, others], out[:, others], rtol=0, atol=0)
    assert not torch.allclose(changed[:, 3], out[:, 3])


@torch.no_grad()
def test_temporal_attention_links_the_same_patch_across_frames(block) -> None:
    x = tokens()
    out, changed = block.attend_time(x), block.attend_time(perturbed(x, frame=3, patch=2))
    others = [n for n in range(N) if n != 2]
    torch.testing.assert_close(changed[:, :, others], out[:, :, others], rtol=0, atol=0)
    for t in range(T):  # every frame of patch 2 now reads the new token at frame 3
        assert not torch.allclose(changed[:, t, 2], out[:, t, 2]), t


@torch.no_grad()
def test_a_block_sees_other_frames_only_through_temporal_attention(block, monkeypatch) -> None:
    x = tokens()
    changed_input = perturbed(x, frame=4)
    frames = slice(0, 4)
    out, changed = block(x), block(changed_input)
    assert not torch.allclose(changed[:, frames], out[:, frames])  # frame 4 reaches frames 0-3
    monkeypatch.setattr(block, "attend_time", torch.zeros_like)
    out, changed = block(x), block(changed_input)
    torch.testing.assert_close(changed[:, frames], out[:, frames], rtol=0, atol=0)


@torch.no_grad()
def test_classifier_output_depends_on_frame_order() -> None:
    """Reversing time flips the motion; a model with temporal positions must notice."""
    dims = SMALL_DIMS["video_transformer"]["frames"]
    torch.manual_seed(0)
    model = build_from_dims("video_transformer", dims).eval()
    videos = torch.randn(2, 3, dims["num_frames"], *dims["resolution"])
    assert not torch.allclose(model(videos=videos), model(videos=videos.flip(2)))


@pytest.mark.parametrize("tubelet", [1, 2])
@torch.no_grad()
def test_denoiser_head_unpatchifies_exactly(tubelet) -> None:
    """With an identity tubelet embedding and head, the denoiser's token grid round-trips the
    clip: forward_head(patchify(x)) == x, so each output voxel is its own token's."""
    dims = {
        **SMALL_DIMS["video_diffusion"]["text_tubelets"],
        "tubelet_size": tubelet,
        "patch_size": 4,
        "text_conditioning": False,
    }
    width = dims["in_channels"] * tubelet * dims["patch_size"] ** 2
    dims.update(d_model=width, n_heads=width // 16)
    model = build_from_dims("video_diffusion", dims).eval()
    proj = model.patch_embedding.proj
    proj.weight.copy_(torch.eye(width).view(proj.weight.shape))
    proj.bias.zero_()
    model.head.weight.copy_(torch.eye(width))
    model.head.bias.zero_()
    videos = torch.randn(2, dims["in_channels"], dims["num_frames"], *dims["resolution"])
    grid = proj(videos).flatten(3).permute(0, 2, 3, 1)  # (B, T', N, width)
    torch.testing.assert_close(model.forward_head(grid), videos)


def test_r3d_18_matches_torchvision_published_count() -> None:
    """torchvision's r3d_18 (Kinetics-400 weights meta): 33,371,472 parameters."""
    dims = {
        "block": "basic",
        "layers": [2, 2, 2, 2],
        "width": 64,
        "in_channels": 3,
        "num_classes": 400,
        "stem": "kinetics",
        "num_frames": 16,
        "resolution": [112, 112],
    }
    with torch.device("meta"):
        model = build_from_dims("video_cnn", dims)
    assert sum(p.numel() for p in model.parameters()) == 33_371_472
    assert sum(count_params("video_cnn", dims).values()) == 33_371_472
