"""Decoder LM specifics: KV-cache decoding, GQA, RoPE, norms and sampling."""

import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.decoder_lm.model import DecoderLM, DecoderLMConfig
from metagen.nn.norm import RMSNorm
from metagen.nn.rope import apply_rope, rope_cos_sin

torch.set_num_threads(1)

LM_CASES = list(SMALL_DIMS["decoder_lm"].values())
LM_IDS = list(SMALL_DIMS["decoder_lm"])


def build_lm(dims: dict, seed: int = 0) -> DecoderLM:
    torch.manual_seed(seed)
    return DecoderLM(DecoderLMConfig(**dims)).double().eval()


def prompt(dims: dict, batch_size: int = 2, length: int = 5) -> torch.Tensor:
    generator = torch.Generator().manual_seed(1)
    return torch.randint(dims["vocab_size"], (batch_size, length), generator=generator)


def greedy_without_cache(model: DecoderLM, input_ids: torch.Tensor, steps: int) -> torch.Tensor:
    """nanoGPT's loop: condition on the last context_length tokens, full forward each step."""
    context = model.config.context_length
    for _ in range(steps):
        logits = model(input_ids[:, -context:])[:, -1, :]
        input_ids = torch.cat((input_ids, logits.argmax(dim=-1, keepdim=True)), dim=1)
    return input_ids


@pytest.mark.parametrize("dims", LM_CASES, ids=LM_IDS)
@pytest.mark.parametrize("steps", [6, 30])  # 30 runs past context_length (24)
def test_generate_with_cache_equals_greedy_without(dims, steps):
    model = build_lm(dims)
    ids = prompt(dims)
    expected = greedy_without_cache(model, ids, steps)
    assert torch.equal(model.generate(ids, steps, temperature=0), expected)


def test_top_k_one_sampling_is_greedy():
    dims = SMALL_DIMS["decoder_lm"]["rope_swiglu_gqa"]
    model = build_lm(dims)
    ids = prompt(dims)
    sampled = model.generate(ids, 8, temperature=0.7, top_k=1)
    assert torch.equal(sampled, model.generate(ids, 8, temperature=0))


def test_sampling_stays_in_vocab_and_keeps_prompt():
    dims = SMALL_DIMS["decoder_lm"]["learned_gelu_layernorm_bias_tied"]
    model = build_lm(dims)
    ids = prompt(dims)
    torch.manual_seed(0)
    out = model.generate(ids, 10, temperature=1.5, top_k=5)
    assert out.shape == (2, 15)
    assert torch.equal(out[:, :5], ids)
    assert 0 <= out.min() and out.max() < dims["vocab_size"]


@pytest.mark.parametrize("dims", LM_CASES, ids=LM_IDS)
def test_chunked_cache_forward_equals_full_forward(dims):
    model = build_lm(dims)
    ids = prompt(dims, length=12)
    full = model(ids)
    caches = model.new_kv_caches(batch_size=2, max_len=12)
    chunks = [model(chunk, caches) for chunk in ids.split([5, 4, 1, 2], dim=1)]
    torch.testing.assert_close(torch.cat(chunks, dim=1), full)


def test_gqa_equals_mha_with_repeated_kv_heads():
    dims = SMALL_DIMS["decoder_lm"]["rope_swiglu_gqa"]  # 4 query heads share 2 kv heads
    gqa = build_lm(dims)
    mha = build_lm({**dims, "n_kv_heads": dims["n_heads"]})
    d, hs = dims["d_model"], dims["d_model"] // dims["n_heads"]
    n_rep = dims["n_heads"] // dims["n_kv_heads"]
    state = gqa.state_dict()
    for key, value in state.items():
        if key.endswith("qkv.weight"):
            q, k, v = value.split([d, dims["n_kv_heads"] * hs, dims["n_kv_heads"] * hs])
            k = k.view(-1, hs, d).repeat_interleave(n_rep, dim=0).reshape(-1, d)
            v = v.view(-1, hs, d).repeat_interleave(n_rep, dim=0).reshape(-1, d)
            state[key] = torch.cat((q, k, v))
    mha.load_state_dict(state)
    ids = prompt(dims, length=10)
    torch.testing.assert_close(gqa(ids), mha(ids))


def test_tied_head_shares_the_embedding():
    model = build_lm(SMALL_DIMS["decoder_lm"]["learned_gelu_layernorm_bias_tied"])
    assert model.lm_head.weight is model.token_embedding.weight


def test_residual_projections_get_scaled_init():
    dims = {**SMALL_DIMS["decoder_lm"]["rope_swiglu_gqa"], "d_model": 256, "d_ff": 512}
    model = build_lm({**dims, "n_layers": 8})
    assert model.blocks[0].attention.qkv.weight.std().item() == pytest.approx(0.02, rel=0.05)
    out_std = model.blocks[0].attention.out_proj.weight.std().item()
    assert out_std == pytest.approx(0.02 / 4, rel=0.05)  # 0.02 / sqrt(2 * 8)


def test_long_context_allocates_nothing_for_positions():
    dims = {**SMALL_DIMS["decoder_lm"]["rope_swiglu_gqa"], "context_length": 262_144}
    model = DecoderLM(DecoderLMConfig(**dims))
    assert sum(b.numel() for b in model.buffers()) == 0
    assert model(prompt(dims)).shape == (2, 5, dims["vocab_size"])


def test_forward_past_context_length_raises():
    dims = SMALL_DIMS["decoder_lm"]["learned_gelu_layernorm_bias_tied"]
    model = build_lm(dims)
    with pytest.raises(ValueError, match=r"25 positions exceed context_length \(24\)"):
        model(prompt(dims, length=25))


def test_rope_is_relative_and_keeps_norms():
    generator = torch.Generator().manual_seed(0)
    q = torch.randn(1, 1, 1, 16, generator=generator, dtype=torch.float64)
    k = torch.randn(1, 1, 1, 16, generator=generator, dtype=torch.float64)

    def rotate(x, position):
        cos, sin = rope_cos_sin(torch.tensor([position]), 16, 10000.0)
        return apply_rope(x, cos.double(), sin.double())

    torch.testing.assert_close(rotate(q, 7).norm(), q.norm())
    score_a = (rotate(q, 9) * rotate(k, 4)).sum()
    score_b = (rotate(q, 105) * rotate(k, 100)).sum()
    torch.testing.assert_close(score_a, score_b)


def test_rmsnorm_matches_torch():
    x = torch.randn(3, 5, 16)
    ours, reference = RMSNorm(16, eps=1e-5), torch.nn.RMSNorm(16, eps=1e-5)
    with torch.no_grad():
        ours.weight.uniform_()
        reference.weight.copy_(ours.weight)
    torch.testing.assert_close(ours(x), reference(x))
