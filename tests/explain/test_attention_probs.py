"""The recorded attention is the attention the modules ran: each module's output, replayed
from the recorded probabilities and its own values, is the output it gave; and recording
changes no output and leaves no hook behind."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from metagen.archs.vit.model import ViT, ViTConfig
from metagen.explain.attention_probs import recorded_attention
from metagen.nn.attention import CausalSelfAttention, SelfAttention
from metagen.nn.cross_attention import ImageCrossAttention
from metagen.nn.rope import rope_cos_sin

B, T, N, C, HEADS = 2, 6, 5, 32, 4


def _heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    return x.view(x.size(0), x.size(1), heads, -1).transpose(1, 2)  # (B, h, T, hs)


def _merged(y: torch.Tensor) -> torch.Tensor:
    return y.transpose(1, 2).reshape(y.size(0), y.size(2), -1)  # (B, T, C)


def _recorded(module, *args) -> tuple[torch.Tensor, torch.Tensor]:
    with recorded_attention([module]) as probs, torch.no_grad():
        output = module(*args)
    assert len(probs) == 1
    return probs[0], output


def test_self_attention_replays_with_and_without_a_padding_mask() -> None:
    torch.manual_seed(0)
    module = SelfAttention(C, HEADS, dropout=0.0).eval()
    x = torch.randn(B, T, C)
    keep = torch.ones(B, 1, 1, T, dtype=torch.bool)
    keep[1, ..., -2:] = False  # the second row's last two tokens are padding
    for mask in (None, keep):
        probs, output = _recorded(module, x, mask)
        v = _heads(module.qkv(x).split(C, dim=-1)[2], HEADS)
        assert_close(module.out_proj(_merged(probs @ v)), output)
        assert_close(probs.sum(dim=-1), torch.ones(B, HEADS, T))
    assert (probs[1, ..., -2:] == 0).all()


def test_causal_attention_with_gqa_rope_and_a_window_replays() -> None:
    torch.manual_seed(0)
    kv_heads, hs = 2, C // HEADS
    rope = rope_cos_sin(torch.arange(T), hs, 10000.0)
    for window in (None, 3):
        module = CausalSelfAttention(C, HEADS, kv_heads, bias=False, dropout=0.0,
                                     sliding_window=window).eval()  # fmt: skip
        x = torch.randn(B, T, C)
        probs, output = _recorded(module, x, rope)
        v = _heads(module.qkv(x).split([C, kv_heads * hs, kv_heads * hs], dim=-1)[2], kv_heads)
        v = v.repeat_interleave(HEADS // kv_heads, dim=1)  # (B, nh, T, hs)
        assert_close(module.out_proj(_merged(probs @ v)), output)
        assert (probs.triu(diagonal=1) == 0).all()  # nothing from the future
        if window is not None:
            assert (probs.tril(diagonal=-window) == 0).all()  # nothing older than the window


def test_cross_attention_replays() -> None:
    torch.manual_seed(0)
    module = ImageCrossAttention(C, HEADS, bias=True, dropout=0.0).eval()
    x, memory = torch.randn(B, T, C), torch.randn(B, N, C)
    probs, output = _recorded(module, x, memory)
    assert probs.shape == (B, HEADS, T, N)
    v = _heads(module.kv_proj(memory).split(C, dim=-1)[1], HEADS)
    assert_close(module.out_proj(_merged(probs @ v)), output)


def test_recording_changes_no_output_and_removes_its_hooks() -> None:
    torch.manual_seed(0)
    config = ViTConfig(image_size=16, patch_size=4, d_model=32, n_layers=2, n_heads=4, d_ff=64,
                       num_classes=3)  # fmt: skip
    model = ViT(config).eval()
    images = torch.randn(B, 3, 16, 16)
    with torch.no_grad():
        plain = model(images)
        attentions = [block.attention for block in model.blocks]
        with recorded_attention(attentions) as probs:
            hooked = model(images)
    assert torch.equal(plain, hooked)
    assert [p.shape for p in probs] == [(B, 4, 17, 17)] * config.n_layers
    assert all(not a._forward_hooks for a in attentions)
