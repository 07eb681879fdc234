"""The CLIP and VLM explainers on tiny untrained models: maps of the patch grid's shape that
are what they claim to be (distributions over patches where the attention is one, cosines
where they are similarities), for each VLM fusion."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from metagen.archs.clip.model import CLIP, ClipConfig
from metagen.archs.vlm.model import VLM, VLMConfig
from metagen.explain.explainers import Settings, clip_maps, vlm_maps

SIDE, PATCH, SEQ_LEN = 16, 4, 8
GRID = SIDE // PATCH


def _images(count: int) -> torch.Tensor:
    return torch.randn(count, 3, SIDE, SIDE, generator=torch.Generator().manual_seed(0))


def test_clip_gives_a_rollout_and_each_patch_cosine_to_the_text() -> None:
    torch.manual_seed(0)
    config = ClipConfig(image_size=SIDE, patch_size=PATCH, vision_d_model=32, vision_n_layers=2,
                        vision_n_heads=4, vision_d_ff=64, vocab_size=320, context_length=SEQ_LEN,
                        text_d_model=32, text_n_layers=1, text_n_heads=4, text_d_ff=64,
                        embed_dim=16)  # fmt: skip
    model = CLIP(config).eval()
    with torch.no_grad():
        plain = clip_maps(model, _images(2), Settings(seq_len=SEQ_LEN))
        given = clip_maps(model, _images(2), Settings(seq_len=SEQ_LEN, text="a red circle"))
        other = clip_maps(model, _images(2), Settings(seq_len=SEQ_LEN, text="a blue square"))[1]
    assert [m.method for m in plain] == ["rollout"]  # no text, no similarity
    found = {m.method: m for m in given}
    rollout, similarity = found["rollout"].maps, found["similarity"].maps
    assert rollout.shape == similarity.shape == (2, GRID, GRID)
    assert (rollout > 0).all() and (rollout.sum(dim=(1, 2)) < 1).all()  # the class token keeps some
    assert (similarity.abs() <= 1 + 1e-6).all()
    assert not torch.allclose(similarity, other.maps)  # the map is of the text given
    assert all("'a red circle'" in note for note in found["similarity"].notes)


@pytest.mark.parametrize("fusion", ["early", "cross_attention", "late"])
def test_vlm_maps_its_caption_attention_to_the_patches(fusion: str) -> None:
    torch.manual_seed(0)
    config = VLMConfig(image_size=SIDE, patch_size=PATCH, vision_d_model=32, vision_n_layers=1,
                       vision_n_heads=4, vision_d_ff=64, vocab_size=320, context_length=SEQ_LEN,
                       d_model=32, n_layers=2, n_heads=4, n_kv_heads=2, d_ff=64, fusion=fusion,
                       cross_attention_every=1)  # fmt: skip
    model = VLM(config).eval()
    with torch.no_grad():
        found, *composed = vlm_maps(model, _images(3), Settings(seq_len=SEQ_LEN))
    assert found.maps.shape == (3, GRID, GRID) and (found.maps >= 0).all()
    if fusion != "late":  # the caption's attention carried through the image tower's rollout
        ((through_tower),) = composed
        assert through_tower.method == "text_rollout" and through_tower.notes == found.notes
        assert through_tower.maps.shape == (3, GRID, GRID) and (through_tower.maps >= 0).all()
        # rollout rows are distributions: the attention's total stays, only moved
        assert_close(through_tower.maps.sum(dim=(1, 2)), found.maps.sum(dim=(1, 2)))
        assert not torch.allclose(through_tower.maps, found.maps)
    total = found.maps.sum(dim=(1, 2))
    if fusion == "early":  # the caption attends to itself too: a share of its attention
        assert found.method == "text_attention" and ((total > 0) & (total < 1)).all()
    else:  # cross-attention reads patches alone; late fusion's rollout pools all patches
        assert_close(total, torch.ones(3))
    if fusion != "late":
        assert all(note.startswith("caption ") for note in found.notes)
