"""The masked-LM encoder: bidirectional, padding-aware, a tied MLM head, BERT's pooler."""

import pytest
import torch
from tests.archs.small_dims import SMALL_DIMS, unique_params_by_name

from metagen.archs.build import build_from_dims
from metagen.blueprint.counts import count_flops, count_params

torch.set_num_threads(1)

CASES = SMALL_DIMS["encoder_mlm"]
POST = CASES["post_norm_two_types"]


def build(dims: dict, seed: int = 0):
    torch.manual_seed(seed)
    return build_from_dims("encoder_mlm", dims).eval()


def ids(batch: int, length: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(
        POST["vocab_size"], (batch, length), generator=torch.Generator().manual_seed(seed)
    )


@pytest.mark.parametrize("dims", CASES.values(), ids=CASES)
def test_every_position_sees_the_whole_sequence(dims):
    model, x = build(dims), ids(1, 12)
    changed = x.clone()
    changed[0, -1] = (x[0, -1] + 1) % dims["vocab_size"]
    with torch.no_grad():
        a, b = model(input_ids=x), model(input_ids=changed)
    # A causal model would leave every earlier position unchanged.
    assert not torch.allclose(a[0, 0], b[0, 0])


def test_padding_mask_hides_padded_tokens():
    model = build(POST)
    real = ids(1, 9)
    padded = torch.cat((real, ids(1, 5, seed=1)), dim=1)  # 5 pad positions of arbitrary ids
    mask = torch.tensor([[1] * 9 + [0] * 5])
    with torch.no_grad():
        alone = model(input_ids=real)
        with_pad = model(input_ids=padded, attention_mask=mask)
        unmasked = model(input_ids=padded)
    torch.testing.assert_close(with_pad[:, :9], alone, rtol=1e-5, atol=1e-5)
    assert not torch.allclose(unmasked[:, :9], alone, atol=1e-3)


def test_token_types_change_the_embedding():
    model, x = build(POST), ids(2, 6)
    with torch.no_grad():
        zeros = model(input_ids=x)
        explicit = model(input_ids=x, token_type_ids=torch.zeros_like(x))
        ones = model(input_ids=x, token_type_ids=torch.ones_like(x))
    torch.testing.assert_close(zeros, explicit)
    assert not torch.allclose(zeros, ones)


def test_decoder_is_tied_to_the_token_embedding_with_its_own_bias():
    model = build(POST)
    decoder = model.mlm_head.decoder
    assert decoder.weight is model.embeddings.token_embedding.weight
    assert decoder.bias.shape == (POST["vocab_size"],)


def test_post_and_pre_norm_have_the_same_blocks_and_pre_norm_adds_a_final_norm():
    post = count_params("encoder_mlm", POST)
    pre = count_params("encoder_mlm", {**POST, "norm_position": "pre"})
    assert list(post) == ["embeddings", "blocks", "mlm_head"]
    assert list(pre) == ["embeddings", "blocks", "final_norm", "mlm_head"]
    assert pre["blocks"] == post["blocks"] and pre["final_norm"] == 2 * POST["d_model"]


def test_positions_beyond_the_table_are_a_value_error():
    model = build(POST)
    with pytest.raises(ValueError, match=r"25 positions exceed context_length \(24\)"):
        model(input_ids=ids(1, 25))


def test_position_table_starts_as_scaled_sinusoids():
    model = build({**POST, "context_length": 16, "d_model": 8, "n_heads": 2})
    weight = model.embeddings.position_embedding.weight
    table = weight.detach()
    position, i = 3, 2  # the second sine/cosine pair
    angle = torch.tensor(position / 10000 ** (i / 8))
    scale = 0.02 * 2**0.5
    torch.testing.assert_close(table[position, i], torch.sin(angle) * scale)
    torch.testing.assert_close(table[position, i + 1], torch.cos(angle) * scale)
    assert weight.requires_grad  # still a learned table


def test_pooler_is_counted_frozen_and_untouched_by_the_mlm_loss():
    dims = {**POST, "pooler": True}
    model = build_from_dims("encoder_mlm", dims)
    components = count_params("encoder_mlm", dims)
    assert list(components) == ["embeddings", "blocks", "pooler", "mlm_head"]
    assert components == unique_params_by_name(model, components)
    assert sum(components.values()) == model.get_num_params()
    assert components["pooler"] == POST["d_model"] ** 2 + POST["d_model"]
    assert not any(p.requires_grad for p in model.pooler.parameters())
    x = ids(2, 10)
    model(input_ids=x).square().mean().backward()
    assert all(p.grad is None for p in model.pooler.parameters())
    assert all(p.grad is not None for n, p in model.named_parameters() if "pooler" not in n)
    with torch.no_grad():
        pooled = model.pooled_output(model.forward_features(x))
    assert pooled.shape == (2, POST["d_model"]) and pooled.abs().max() <= 1.0  # tanh
    # The pooler costs parameters but no forward FLOPs: the MLM forward never runs it.
    assert count_flops("encoder_mlm", dims, seq_len=10) == count_flops(
        "encoder_mlm", POST, seq_len=10
    )


def test_pooled_output_without_a_pooler_is_a_value_error():
    model = build(POST)
    with pytest.raises(ValueError, match="without a pooler"):
        model.pooled_output(torch.zeros(1, 3, POST["d_model"]))
