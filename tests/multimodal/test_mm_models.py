"""CLIP and the VLM as modules: the published CLIP ViT-B/32 count, what the forward computes,
the KV-cache decoder, that the fusion (early, cross-attention, late) really carries the image,
and the hybrid (conv stem + transformer) image towers."""

import math

import pytest
import torch
import torch.nn.functional as F
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.archs.clip.model import LOGIT_SCALE_INIT, LOGIT_SCALE_MAX
from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params
from metagen.nn.conv_stem import ConvStemEmbedding
from metagen.planning import make_blueprint
from metagen.spec import parse_spec_text

torch.set_num_threads(1)
CLIP_DIMS = SMALL_DIMS["clip"]["rgb"]


def test_clip_vit_b_32_has_its_published_count_on_the_meta_device():
    variant = all_variants()["clip_vit_b_32"]
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
            next_id = model(images=inputs["images"], input_ids=expected)[:, -1].argmax(
                -1, keepdim=True
            )
            expected = torch.cat((expected, next_id), dim=1)
    assert torch.equal(generated, expected)


def test_vlm_generation_stops_once_every_row_has_emitted_eos():
    torch.manual_seed(0)
    dims = VLM_CASES["early_rope_gqa"]
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=1)
    prompt = inputs["input_ids"][:, :4]
    full = model.generate(inputs["images"], prompt, 6, temperature=0)[0, 4:].tolist()
    eos = full[2]
    stopped = model.generate(inputs["images"], prompt, 6, temperature=0, eos_id=eos)
    assert stopped[0, 4:].tolist() == full[: full.index(eos) + 1]


@pytest.mark.parametrize("dims", VLM_CASES.values(), ids=VLM_CASES)
def test_vlm_text_depends_on_the_image_and_is_causal(dims):
    torch.manual_seed(0)
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=2)
    with torch.no_grad():
        logits = model(**inputs)
        other = model(images=inputs["images"].flip(0), input_ids=inputs["input_ids"])
        changed_ids = inputs["input_ids"].clone()
        changed_ids[:, 5:] = 0
        prefix = model(images=inputs["images"], input_ids=changed_ids)
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


def test_vlm_late_fusion_reads_the_text_alone_and_combines_at_the_final_layer():
    torch.manual_seed(0)
    dims = VLM_CASES["late_rope_gqa"]
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=2)
    images, ids = inputs["images"], inputs["input_ids"]
    assert model.language_model.config.context_length == dims["context_length"]  # text only
    assert model.cross_attention is None
    with torch.no_grad():
        text = model.language_model.forward_features(ids)  # the plain LM: no image anywhere
        image = model.connector(model.vision_encoder(images).mean(dim=1))  # (B, d_model)
        fused = text + model.late_fusion.out_proj(
            F.gelu(
                model.late_fusion.in_proj(
                    torch.cat(
                        (text, model.late_fusion.image_norm(image)[:, None].expand_as(text)),
                        dim=-1,
                    )
                )
            )
        )
        logits = model(images=images, input_ids=ids)
        other = model(images=images.flip(0), input_ids=ids)
    torch.testing.assert_close(logits, model.language_model.lm_head(fused))
    # Another image, other logits at every text position (untrained, seed 0: measured 1.2e-3 at
    # most and 9.2e-4 at the least changed position).
    assert (logits - other).abs().amax(dim=-1).min() > 1e-4


def test_hybrid_towers_are_a_conv_stem_feeding_the_transformer():
    clip = build_from_dims("clip", SMALL_DIMS["clip"]["hybrid_conv_stem"])
    vlm = build_from_dims("vlm", VLM_CASES["early_hybrid"])
    for tower, stem, cls in (
        (clip.image_encoder, [8, 16, 32], 1),
        (vlm.vision_encoder, [16, 32, 32], 0),
    ):
        embedding = tower.patch_embedding
        assert isinstance(embedding, ConvStemEmbedding)
        assert [s[0].out_channels for s in embedding.stages] == stem
        assert [s[0].stride for s in embedding.stages] == [(2, 2)] * 3
        assert embedding.pos_embedding.shape[1] == (32 // 8) ** 2 + cls  # 32 px, 3 halvings
    with pytest.raises(ValueError, match=r"patch_size \(8\) must equal 2\*\*len"):
        build_from_dims("clip", {**CLIP_DIMS, "vision_stem_channels": [8, 16]})


MM_SPEC = """
name: mm
modality: {{inputs: [text, image], outputs: [text]}}
constraints: {{parameter_budget: {{max: "{budget}"}}}}
training: {{objective: [{objective}]}}
architecture: {{family: {family}, fusion: {fusion}}}
"""
FULL_SCALE = {
    "hybrid_clip_151M": ("151M", "contrastive", "hybrid", "contrastive"),
    "hybrid_vlm_early_1B": ("1B", "autoregressive", "hybrid", "early"),
    "late_vlm_3B": ("3B", "autoregressive", "transformer", "late"),
    "hybrid_late_vlm_7B": ("7B", "autoregressive", "hybrid", "late"),
}


@pytest.mark.parametrize(
    ("budget", "objective", "family", "fusion"), FULL_SCALE.values(), ids=FULL_SCALE
)
def test_planned_counts_equal_the_built_model_on_the_meta_device(budget, objective, family, fusion):
    spec = MM_SPEC.format(budget=budget, objective=objective, family=family, fusion=fusion)
    bp = make_blueprint(parse_spec_text(spec))
    with torch.device("meta"):
        model = build_from_dims(bp.arch, bp.dims)
    for name, params in count_params(bp.arch, bp.dims).items():
        assert sum(p.numel() for p in getattr(model, name).parameters()) == params, name
    assert sum(count_params(bp.arch, bp.dims).values()) == model.get_num_params()


def test_vlm_rejects_an_unknown_fusion_and_a_full_context():
    with pytest.raises(
        ValueError, match=r"fusion must be one of \['cross_attention', 'early', 'late'\]"
    ):
        build_from_dims("vlm", {**VLM_CASES["early_rope_gqa"], "fusion": "contrastive"})
    dims = VLM_CASES["early_rope_gqa"]
    model = build_from_dims("vlm", dims).eval()
    inputs = example_inputs_for("vlm", dims, batch_size=1)
    with pytest.raises(ValueError, match="fills the context"):
        model.generate(
            inputs["images"], torch.zeros(1, dims["context_length"], dtype=torch.long), 4
        )
