"""CLIP and the VLM as modules: the published CLIP ViT-B/32 count, what the forward computes,
the KV-cache decoder, and that the fusion really carries the image."""

import math

import pytest
import torch
import torch.nn.functional as F
from tests.nn.small_dims import SMALL_DIMS

from metagen.blueprint.catalog import VARIANTS
from metagen.blueprint.counts import count_params
from metagen.nn.clip import LOGIT_SCALE_INIT, LOGIT_SCALE_MAX
from metagen.nn.registry import build_from_dims, example_inputs_for

torch.set_num_threads(1)
CLIP_DIMS = SMALL_DIMS["clip"]["rgb"]


def test_clip_vit_b_32_has_its_published_count_on_the_meta_device():
    variant = VARIANTS["clip_vit_b_32"]
    with torch.device("meta"):
        model = build_from_dims("clip", variant.dims)
    assert sum(p.numel() for p in model.parameters()) == 151_277_313 == variant.published_params
    # Where the published count puts them: both towers with their position tables, class
    # embedding, ln_pre/ln_post, bias-free projections, and the temperature.
    assert count_params("clip", variant.dims) == {
        "image_encoder": 87_456_000,
        "image_projection": 768 * 512,
        "text_encoder": 63_165_952,
        "text_projection": 512 * 512,
        "logit_scale": 1,
    }
    assert model.image_encoder.patch_embedding.proj.bias is None
    assert model.image_encoder.patch_embedding.pos_embedding.shape == (1, 50, 768)
    assert model.text_encoder.position_embedding.weight.shape == (77, 512)


def test_clip_logits_are_scaled_cosine_similarities():
    torch.manual_seed(0)
    model = build_from_dims("clip", CLIP_DIMS).eval()
    inputs = example_inputs_for("clip", CLIP_DIMS, batch_size=3)
    with torch.no_grad():
        logits = model(**inputs)
        images = model.image_projection(model.image_encoder(inputs["images"])[:, 0])
        texts = model.text_projection(model.text_encoder(inputs["input_ids"]))
    cosine = F.cosine_similarity(images[:, None], texts[None], dim=-1)  # (3, 3)
    torch.testing.assert_close(logits, (1 / 0.07) * cosine)  # the initial temperature


def test_logit_scale_is_capped_at_100():
    model = build_from_dims("clip", CLIP_DIMS)
    with torch.no_grad():
        assert float(model.logit_scale()) == pytest.approx(1 / 0.07)
        model.logit_scale.value.fill_(10.0)
        assert float(model.logit_scale()) == pytest.approx(100.0)
    assert LOGIT_SCALE_MAX == pytest.approx(math.log(100))
    assert LOGIT_SCALE_INIT == pytest.approx(math.log(1 / 0.07))


def test_text_feature_is_read_at_eos_and_ignores_what_follows():
    torch.manual_seed(0)
    model = build_from_dims("clip", CLIP_DIMS).eval()
    ids = torch.tensor([[256, 97, 32, 99, 257, 258, 258, 258], [256, 97, 32, 99, 257, 12, 200, 3]])
    with torch.no_grad():
        features = model.text_encoder(ids)
        torch.testing.assert_close(features[0], features[1])  # causal: padding is unseen
        unended = model.text_encoder(ids[:, :4])  # no eos: the last token
        states = model.text_encoder.final_norm(_text_states(model, ids[:, :4]))
    torch.testing.assert_close(unended, states[:, -1])


def _text_states(model, ids):
    tower = model.text_encoder
    x = tower.token_embedding(ids) + tower.position_embedding(torch.arange(ids.size(1)))
    for block in tower.blocks:
        x = block(x)
    return x


VLM_CASES = SMALL_DIMS["vlm"]


@pytest.mark.parametrize("dims", VLM_CASES.values(), ids=VLM_CASES)
def test_vlm_kv_cache_decoding_equals_recomputing(dims):
    torch.manual_seed(0)
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=2)
    prompt = inputs["input_ids"][:, :4]
    generated = model.generate(inputs["images"], prompt, 6, temperature=0)
    expected = prompt
    with torch.no_grad():
        for _ in range(6):
            next_id = model(inputs["images"], expected)[:, -1].argmax(-1, keepdim=True)
            expected = torch.cat((expected, next_id), dim=1)
    assert torch.equal(generated, expected)


@pytest.mark.parametrize("dims", VLM_CASES.values(), ids=VLM_CASES)
def test_vlm_text_depends_on_the_image_and_is_causal(dims):
    torch.manual_seed(0)
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=2)
    with torch.no_grad():
        logits = model(**inputs)
        other = model(inputs["images"].flip(0), inputs["input_ids"])
        changed_ids = inputs["input_ids"].clone()
        changed_ids[:, 5:] = 0
        prefix = model(inputs["images"], changed_ids)
    assert (logits - other).abs().amax() > 1e-5  # another image, other logits (untrained: small)
    torch.testing.assert_close(prefix[:, :5], logits[:, :5])  # later tokens are unseen


def test_vlm_early_fusion_puts_the_image_tokens_first():
    dims = VLM_CASES["early_rope_gqa"]
    model = build_from_dims("vlm", dims)
    n_image = (dims["image_size"] // dims["patch_size"]) ** 2
    assert model.language_model.config.context_length == dims["context_length"] + n_image
    assert model.cross_attention is None
    crossed = build_from_dims("vlm", {**dims, "fusion": "cross_attention", "n_layers": 5})
    assert len(crossed.cross_attention) == math.ceil(5 / dims["cross_attention_every"])
    assert crossed.language_model.config.context_length == dims["context_length"]


def test_vlm_rejects_an_unknown_fusion_and_a_full_context():
    with pytest.raises(ValueError, match=r"fusion must be one of \['cross_attention', 'early'\]"):
        build_from_dims("vlm", {**VLM_CASES["early_rope_gqa"], "fusion": "late"})
    dims = VLM_CASES["early_rope_gqa"]
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=1)
    with pytest.raises(ValueError, match="fills the context"):
        model.generate(
            inputs["images"], torch.zeros(1, dims["context_length"], dtype=torch.long), 4
        )
