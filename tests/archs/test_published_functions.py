"""Published variants compute the published function: a Hugging Face model (transformers,
small config, seeded random weights, saved as a checkpoint folder) mapped through the arch's
hf_weights.py into MetaGen's model gives the same outputs within 1e-5 in float32, and a model
with the wrong GELU would not."""

from __future__ import annotations

import pytest
import torch
from tests.archs import hf_reference as ref
from tests.archs.hf_reference import ATOL, max_difference, transformers

from metagen.archs.build import build_from_dims
from metagen.archs.clip import hf_weights as clip_weights
from metagen.archs.decoder_lm import hf_weights as gpt2_weights
from metagen.archs.encoder_mlm import hf_weights as bert_mlm_weights
from metagen.archs.segformer import hf_weights as segformer_weights
from metagen.archs.text_encoder import hf_weights as bert_encoder_weights
from metagen.archs.vit import hf_weights as vit_weights

# BERT computes the exact GELU, so there is no approximation to tell apart; narrower weights
# keep its MLM logits near 4, where float32 rounding stays well inside the tolerance.
BERT_STD = 0.2


@pytest.mark.parametrize("tied", [True, False], ids=["tied", "untied"])
def test_gpt2_logits(tmp_path, tied):
    hf = ref.randomized(ref.gpt2(tie_word_embeddings=tied))
    model = ref.mapped("decoder_lm", ref.saved(hf, tmp_path), gpt2_weights)
    ids = ref.token_ids(2, 24)
    with torch.no_grad():
        assert max_difference(model(input_ids=ids), hf(ids).logits) <= ATOL


def test_gpt2_bare_names_and_mask_buffers_map_as_the_lm_heads(tmp_path):
    """GPT2Model's names (no `transformer.`) with the causal-mask buffers that older files
    hold, as the published gpt2 files are laid out."""
    checkpoint = ref.saved(ref.gpt2(), tmp_path)
    dims = gpt2_weights.config_from_hf(checkpoint.config)
    bare = {k.removeprefix("transformer."): v for k, v in checkpoint.tensors.items()}
    for i in range(dims["n_layers"]):
        bare[f"h.{i}.attn.bias"] = torch.ones(1, 1, 24, 24).tril()
        bare[f"h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    expected = gpt2_weights.state_dict_from_hf(checkpoint.tensors, dims)
    found = gpt2_weights.state_dict_from_hf(bare, dims)
    assert found.keys() == expected.keys()
    assert all(torch.equal(found[k], expected[k]) for k in expected)


@pytest.mark.parametrize("head", ["BertForMaskedLM", "BertForPreTraining"])
def test_bert_masked_lm_logits(tmp_path, head):
    hf = ref.randomized(getattr(transformers, head)(ref.bert_config()), std=BERT_STD)
    checkpoint = ref.saved(hf, tmp_path)
    model = ref.mapped("encoder_mlm", checkpoint, bert_mlm_weights)
    assert model.config.pooler == (head == "BertForPreTraining")  # as transformers builds it
    ids, types = ref.token_ids(3, 20), ref.token_ids(3, 20, seed=1) % 2
    mask = torch.ones(3, 20, dtype=torch.long)
    mask[1, 12:] = 0  # padding, which no token may attend to
    with torch.no_grad():
        ours = model(input_ids=ids, attention_mask=mask, token_type_ids=types)
        outputs = hf(input_ids=ids, attention_mask=mask, token_type_ids=types)
    theirs = outputs.logits if head == "BertForMaskedLM" else outputs.prediction_logits
    assert max_difference(ours, theirs) <= ATOL


def test_bert_classifier_logits(tmp_path):
    config = ref.bert_config(num_labels=3)
    hf = ref.randomized(transformers.BertForSequenceClassification(config), std=BERT_STD)
    model = ref.mapped("text_encoder", ref.saved(hf, tmp_path), bert_encoder_weights)
    ids = ref.token_ids(3, 20)
    mask = torch.ones(3, 20, dtype=torch.long)
    mask[2, 9:] = 0
    with torch.no_grad():
        ours = model(input_ids=ids, attention_mask=mask)
        assert max_difference(ours, hf(input_ids=ids, attention_mask=mask).logits) <= ATOL


def test_bert_model_without_a_head_maps_its_trunk_and_pooler(tmp_path):
    """A bare BertModel has no classifier: everything but the head maps, and the pooled
    features are BertModel's pooler output."""
    hf = ref.randomized(transformers.BertModel(ref.bert_config()), std=BERT_STD)
    checkpoint = ref.saved(hf, tmp_path)
    dims = bert_encoder_weights.config_from_hf(checkpoint.config)
    state = bert_encoder_weights.state_dict_from_hf(checkpoint.tensors, dims)
    model = build_from_dims("text_encoder", dims).eval()
    assert set(model.state_dict()) - set(state) == set(bert_encoder_weights.HEAD_KEYS)
    model.load_state_dict(state, strict=False)
    ids = ref.token_ids(2, 20)
    with torch.no_grad():
        pooled = model.forward_features(input_ids=ids)
        assert max_difference(pooled, hf(input_ids=ids).pooler_output) <= ATOL


def test_vit_logits(tmp_path):
    hf = ref.randomized(ref.vit())
    model = ref.mapped("vit", ref.saved(hf, tmp_path), vit_weights)
    pixels = ref.images(2)
    with torch.no_grad():
        assert max_difference(model(images=pixels), hf(pixel_values=pixels).logits) <= ATOL


def test_segformer_logits(tmp_path):
    hf = ref.randomized(ref.segformer())
    model = ref.mapped("segformer", ref.saved(hf, tmp_path), segformer_weights)
    pixels = ref.images(2)
    with torch.no_grad():
        assert max_difference(model(images=pixels), ref.segformer_logits(hf, pixels)) <= ATOL


def test_segformer_blocks_would_miss_with_the_papers_eps(tmp_path):
    """transformers builds SegFormer's block norms with eps 1e-5, not the config's
    layer_norm_eps (1e-6, as SegFormer's own code): the mapping follows what it computes.
    Patch embeddings that scale their tokens down to a variance near eps make the two
    tell apart."""
    hf = ref.randomized(ref.segformer())
    with torch.no_grad():
        for stage in hf.segformer.stages:
            stage.patch_embeddings.layer_norm.weight.mul_(1e-3)
            stage.patch_embeddings.layer_norm.bias.mul_(1e-3)
    checkpoint = ref.saved(hf, tmp_path)
    dims = segformer_weights.config_from_hf(checkpoint.config)
    assert checkpoint.config["layer_norm_eps"] == 1e-6
    assert dims["norm_eps"] == 1e-5
    pixels = ref.images(2)
    with torch.no_grad():
        theirs = ref.segformer_logits(hf, pixels)
        exact = build_from_dims("segformer", dims)
        exact.load_state_dict(segformer_weights.state_dict_from_hf(checkpoint.tensors, dims))
        paper = build_from_dims("segformer", {**dims, "norm_eps": 1e-6})
        paper.load_state_dict(exact.state_dict())
        assert max_difference(exact.eval()(images=pixels), theirs) <= ATOL
        assert max_difference(paper.eval()(images=pixels), theirs) > 10 * ATOL


def caption_ids(eot: int) -> torch.Tensor:
    """Captions ending in `eot` at different places, padding after it."""
    ids = ref.token_ids(3, ref.TEXT_LEN)
    for row, end in enumerate((5, 11, ref.TEXT_LEN - 1)):
        ids[row, end] = eot
        ids[row, end + 1 :] = 1
    return ids


@pytest.mark.parametrize("eos", [ref.VOCAB - 1, 2], ids=["eos_token_id", "legacy_eos_2"])
def test_clip_embeddings_and_logits(tmp_path, eos):
    hf = ref.randomized(transformers.CLIPModel(ref.clip_config(eos_token_id=eos)))
    model = ref.mapped("clip", ref.saved(hf, tmp_path), clip_weights)
    assert model.config.activation == "quick_gelu"
    ids, pixels = caption_ids(ref.VOCAB - 1), ref.images(3)  # legacy: read at the largest id
    with torch.no_grad():
        theirs = hf(input_ids=ids, pixel_values=pixels)
        images, texts = model.forward_features(images=pixels, input_ids=ids)
        assert max_difference(images, theirs.image_embeds) <= ATOL
        assert max_difference(texts, theirs.text_embeds) <= ATOL
        assert max_difference(model(images=pixels, input_ids=ids), theirs.logits_per_image) <= ATOL


@pytest.mark.parametrize(
    ("arch", "mapping", "reference", "run"),
    [
        ("decoder_lm", gpt2_weights, ref.gpt2, lambda m: m(input_ids=ref.token_ids(2, 24))),
        (
            "clip",
            clip_weights,
            lambda: transformers.CLIPModel(ref.clip_config()),
            lambda m: m(images=ref.images(3), input_ids=caption_ids(ref.VOCAB - 1)),
        ),
    ],
    ids=["gpt2", "clip"],
)
def test_the_exact_gelu_would_not_pass(tmp_path, arch, mapping, reference, run):
    """The reference tells the GELUs apart: built with the exact GELU instead of the
    checkpoint's approximation, the same weights miss by far more than the tolerance."""
    checkpoint = ref.saved(ref.randomized(reference()), tmp_path)
    dims = mapping.config_from_hf(checkpoint.config)
    state = mapping.state_dict_from_hf(checkpoint.tensors, dims)
    models = []
    for activation in (dims["activation"], "gelu"):
        model = build_from_dims(arch, {**dims, "activation": activation}).eval()
        model.load_state_dict(state)
        models.append(model)
    with torch.no_grad():
        assert max_difference(run(models[0]), run(models[1])) > 100 * ATOL
