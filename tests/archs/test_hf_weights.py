"""The Hugging Face weight mappings' contracts: published-size configs give the published
counts (against transformers' own models on the meta device) and the catalog's variants;
a mangled checkpoint, or a setting MetaGen does not compute, is a ValueError naming it; the
modules never import torch at import time."""

from __future__ import annotations

import ast
import re
from importlib import import_module, resources

import pytest
import torch
from tests.archs import hf_reference as ref
from tests.archs.hf_reference import transformers

from metagen.archs.clip import hf_weights as clip_weights
from metagen.archs.decoder_lm import hf_weights as gpt2_weights
from metagen.archs.encoder_mlm import hf_weights as bert_mlm_weights
from metagen.archs.hf_mapping import HF_ACTIVATIONS
from metagen.archs.registry import PARAMETER_FREE_FIELDS, arch
from metagen.archs.segformer import hf_weights as segformer_weights
from metagen.archs.text_encoder import hf_weights as bert_encoder_weights
from metagen.archs.vit import hf_weights as vit_weights
from metagen.blueprint.catalog import all_variants
from metagen.blueprint.counts import count_params
from metagen.nn.mlp import GELU_ACTIVATIONS

MAPPED_ARCHS = ("decoder_lm", "encoder_mlm", "text_encoder", "vit", "clip", "segformer")


def _vit_config(d_model: int, n_layers: int, n_heads: int):
    return transformers.ViTConfig(
        hidden_size=d_model,
        num_hidden_layers=n_layers,
        num_attention_heads=n_heads,
        intermediate_size=4 * d_model,
        num_labels=1000,
    )


# variant -> (mapping, transformers class, its config at the published size)
PUBLISHED = {
    "gpt2": (gpt2_weights, "GPT2LMHeadModel", lambda: transformers.GPT2Config()),
    "gpt2_medium": (
        gpt2_weights,
        "GPT2LMHeadModel",
        lambda: transformers.GPT2Config(n_embd=1024, n_layer=24, n_head=16),
    ),
    # BertModel: the encoder with its pooler, which the published 109,482,240 counts
    "bert_base": (bert_mlm_weights, "BertModel", lambda: transformers.BertConfig()),
    "vit_ti_16": (vit_weights, "ViTForImageClassification", lambda: _vit_config(192, 12, 3)),
    "vit_s_16": (vit_weights, "ViTForImageClassification", lambda: _vit_config(384, 12, 6)),
    "vit_b_16": (vit_weights, "ViTForImageClassification", lambda: _vit_config(768, 12, 12)),
    "vit_l_16": (vit_weights, "ViTForImageClassification", lambda: _vit_config(1024, 24, 16)),
    "clip_vit_b_32": (clip_weights, "CLIPModel", lambda: transformers.CLIPConfig()),
    # transformers' default SegformerConfig is MiT-B0; the ADE20K head has 150 classes
    "segformer_b0": (
        segformer_weights,
        "SegformerForSemanticSegmentation",
        lambda: transformers.SegformerConfig(num_labels=150),
    ),
}
# Dims where the catalog keeps MetaGen's choice: the byte tokenizer's eos for CLIP's caption
# feature (a BPE checkpoint reads its own end-of-text token).
CATALOG_ONLY = {"eot_id"}
# transformers' ViT configs say layer_norm_eps 1e-12; the published ViT (Dosovitskiy et al.'s
# JAX code, as timm and torchvision) normalizes with 1e-6, which the catalog keeps. A mapped
# checkpoint takes its config's value, so it computes what transformers does.
HF_VIT_NORM_EPS = 1e-12
# The catalog's and transformers' block-norm eps where they differ: (transformers, catalog).
# transformers' SegFormer normalizes its blocks with 1e-5 whatever layer_norm_eps says;
# SegFormer's own code (and the catalog) with 1e-6.
NORM_EPS_DIFFERS = {"vit": (HF_VIT_NORM_EPS, 1e-6), "segformer": (1e-5, 1e-6)}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_config_gives_the_published_count_and_the_catalogs_shape(name):
    mapping, model_class, config = PUBLISHED[name]
    hf_config = config()
    with torch.device("meta"):
        reference = getattr(transformers, model_class)(hf_config)
    variant = all_variants()[name]
    dims = mapping.config_from_hf(hf_config.to_dict())
    per_component = count_params(variant.arch, dims)
    assert variant.published_part(per_component) == variant.published_params
    assert variant.published_part(per_component) == sum(p.numel() for p in reference.parameters())
    row = arch(variant.arch)
    shape = (set(row.structural_fields()) | set(PARAMETER_FREE_FIELDS)) & set(row.config_fields())
    shape -= CATALOG_ONLY
    assert {k: dims[k] for k in shape} == {k: variant.dims.get(k, "gelu") for k in shape}
    if variant.arch in NORM_EPS_DIFFERS:
        assert (dims["norm_eps"], variant.dims["norm_eps"]) == NORM_EPS_DIFFERS[variant.arch]
    else:
        assert dims["norm_eps"] == variant.dims["norm_eps"]


def _checkpoint(kind: str, folder):
    """A saved checkpoint of each kind of model the mappings read."""
    models = {
        "gpt2": ref.gpt2,
        "bert_pretraining": lambda: transformers.BertForPreTraining(ref.bert_config()),
        "bert_classifier": lambda: transformers.BertForSequenceClassification(ref.bert_config()),
        "vit": ref.vit,
        "clip": lambda: transformers.CLIPModel(ref.clip_config()),
        "segformer": ref.segformer,
    }
    return ref.saved(models[kind](), folder)


# kind, mapping, a tensor to drop, a tensor to misshape
MANGLED = [
    (
        "gpt2",
        gpt2_weights,
        "transformer.h.1.attn.c_attn.weight",
        "transformer.h.0.mlp.c_fc.weight",
    ),
    (
        "bert_pretraining",
        bert_mlm_weights,
        "bert.encoder.layer.1.attention.self.key.bias",
        "cls.predictions.transform.dense.weight",
    ),
    ("bert_classifier", bert_encoder_weights, "bert.pooler.dense.weight", "classifier.weight"),
    (
        "vit",
        vit_weights,
        "vit.encoder.layer.0.attention.attention.value.weight",
        "vit.embeddings.position_embeddings",
    ),
    (
        "clip",
        clip_weights,
        "vision_model.embeddings.class_embedding",
        "text_model.encoder.layers.1.mlp.fc1.weight",
    ),
    (
        "segformer",
        segformer_weights,
        "segformer.encoder.block.2.1.attention.self.sr.weight",
        "decode_head.batch_norm.running_var",
    ),
]
MANGLED_IDS = [kind for kind, *_ in MANGLED]


@pytest.mark.parametrize(("kind", "mapping", "dropped", "misshapen"), MANGLED, ids=MANGLED_IDS)
def test_a_missing_tensor_is_named(tmp_path, kind, mapping, dropped, misshapen):
    checkpoint = _checkpoint(kind, tmp_path)
    dims = mapping.config_from_hf(checkpoint.config)
    tensors = {k: v for k, v in checkpoint.tensors.items() if k != dropped}
    assert len(tensors) == len(checkpoint.tensors) - 1
    with pytest.raises(ValueError, match=f"no tensor '{dropped}'"):
        mapping.state_dict_from_hf(tensors, dims)


@pytest.mark.parametrize(("kind", "mapping", "dropped", "misshapen"), MANGLED, ids=MANGLED_IDS)
def test_a_misshapen_tensor_is_named_with_both_shapes(tmp_path, kind, mapping, dropped, misshapen):
    checkpoint = _checkpoint(kind, tmp_path)
    dims = mapping.config_from_hf(checkpoint.config)
    tensor = checkpoint.tensors[misshapen]
    tensors = {**checkpoint.tensors, misshapen: tensor[..., :-1]}
    found, needed = tuple(tensor[..., :-1].shape), tuple(tensor.shape)
    message = f"'{misshapen}' has shape {found}, but .* needs {needed}"
    with pytest.raises(ValueError, match=re.escape(message).replace(r"\.\*", ".*")):
        mapping.state_dict_from_hf(tensors, dims)


@pytest.mark.parametrize(("kind", "mapping", "dropped", "misshapen"), MANGLED, ids=MANGLED_IDS)
def test_an_unmapped_tensor_is_named(tmp_path, kind, mapping, dropped, misshapen):
    checkpoint = _checkpoint(kind, tmp_path)
    dims = mapping.config_from_hf(checkpoint.config)
    tensors = {**checkpoint.tensors, "adapter.lora_A.weight": torch.zeros(4, 32)}
    with pytest.raises(ValueError, match=r"'adapter\.lora_A\.weight' \(shape \(4, 32\)\)"):
        mapping.state_dict_from_hf(tensors, dims)


def test_a_classifier_head_is_mapped_whole_or_not_at_all(tmp_path):
    checkpoint = _checkpoint("bert_classifier", tmp_path)
    dims = bert_encoder_weights.config_from_hf(checkpoint.config)
    tensors = {k: v for k, v in checkpoint.tensors.items() if k != "classifier.bias"}
    with pytest.raises(ValueError, match="no tensor 'classifier.bias'"):
        bert_encoder_weights.state_dict_from_hf(tensors, dims)


def _refused(config, **changes):
    return {**config.to_dict(), **changes}


def _clip_towers(**vision):
    config = ref.clip_config().to_dict()
    return {**config, "vision_config": {**config["vision_config"], **vision}}


# mapping, a config.json dict MetaGen does not compute, the setting the error names
REFUSED = {
    "gpt2_relu": (
        gpt2_weights,
        lambda: _refused(ref.gpt2().config, activation_function="relu"),
        "activation_function",
    ),
    "gpt2_layer_scaled_attention": (
        gpt2_weights,
        lambda: _refused(ref.gpt2().config, scale_attn_by_inverse_layer_idx=True),
        "scale_attn_by_inverse_layer_idx",
    ),
    "gpt2_without_n_embd": (
        gpt2_weights,
        lambda: {k: v for k, v in ref.gpt2().config.to_dict().items() if k != "n_embd"},
        "n_embd",
    ),
    "gpt2_reading_a_bert": (gpt2_weights, lambda: ref.bert_config().to_dict(), "'bert' model"),
    "bert_relative_positions": (
        bert_mlm_weights,
        lambda: _refused(ref.bert_config(), position_embedding_type="relative_key"),
        "position_embedding_type",
    ),
    "bert_tanh_gelu": (
        bert_encoder_weights,
        lambda: _refused(ref.bert_config(), hidden_act="gelu_new"),
        "hidden_act",
    ),
    "bert_untied_decoder": (
        bert_mlm_weights,
        lambda: _refused(ref.bert_config(), tie_word_embeddings=False),
        "tie_word_embeddings",
    ),
    "vit_without_qkv_bias": (
        vit_weights,
        lambda: _refused(ref.vit().config, qkv_bias=False),
        "qkv_bias",
    ),
    "vit_rectangular": (
        vit_weights,
        lambda: _refused(ref.vit().config, image_size=[32, 16]),
        "image_size",
    ),
    "clip_towers_disagree": (clip_weights, lambda: _clip_towers(hidden_act="gelu"), "hidden_act"),
    "segformer_other_patches": (
        segformer_weights,
        lambda: _refused(ref.segformer().config, patch_sizes=[7, 3, 3, 5]),
        "patch_sizes",
    ),
    "segformer_mixed_mlp_ratios": (
        segformer_weights,
        lambda: _refused(ref.segformer().config, mlp_ratios=[4, 4, 8, 4]),
        "mlp_ratios",
    ),
    "segformer_tanh_gelu": (
        segformer_weights,
        lambda: _refused(ref.segformer().config, hidden_act="gelu_new"),
        "hidden_act",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_setting_metagen_does_not_compute_is_refused_by_name(case):
    mapping, config, named = REFUSED[case]
    with pytest.raises(ValueError, match=named):
        mapping.config_from_hf(config())


@pytest.mark.parametrize("arch_name", MAPPED_ARCHS)
def test_mappings_import_without_torch_and_give_both_functions(arch_name):
    for module in (f"metagen.archs.{arch_name}.hf_weights", "metagen.archs.hf_mapping"):
        parts = module.split(".")
        source = resources.files(parts[0]).joinpath(*parts[1:-1], parts[-1] + ".py")
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                roots = {(getattr(node, "module", None) or n).split(".")[0] for n in names or [""]}
                assert "torch" not in roots, f"{module} imports torch at module level"
    mapping = import_module(f"metagen.archs.{arch_name}.hf_weights")
    assert callable(mapping.config_from_hf) and callable(mapping.state_dict_from_hf)


@pytest.mark.parametrize("hf_name", sorted(HF_ACTIVATIONS))
def test_each_transformers_activation_name_maps_to_the_same_function(hf_name):
    x = torch.linspace(-8, 8, 4001)
    ours = GELU_ACTIVATIONS[HF_ACTIVATIONS[hf_name]](x)
    theirs = transformers.activations.ACT2FN[hf_name](x)
    torch.testing.assert_close(ours, theirs, atol=1e-6, rtol=0)


def test_bert_layernorm_gamma_and_beta_read_as_weight_and_bias(tmp_path):
    """Older BERT files (bert-base-uncased's pytorch_model.bin) name LayerNorm's scale and
    shift gamma and beta; transformers reads them as weight and bias, and so does the mapping."""
    checkpoint = _checkpoint("bert_pretraining", tmp_path)
    dims = bert_mlm_weights.config_from_hf(checkpoint.config)
    old = {
        re.sub(
            r"LayerNorm\.weight$",
            "LayerNorm.gamma",
            re.sub(r"LayerNorm\.bias$", "LayerNorm.beta", k),
        ): v
        for k, v in checkpoint.tensors.items()
    }
    assert sum(k.endswith(".gamma") for k in old) == 2 * dims["n_layers"] + 2
    expected = bert_mlm_weights.state_dict_from_hf(checkpoint.tensors, dims)
    found = bert_mlm_weights.state_dict_from_hf(old, dims)
    assert found.keys() == expected.keys()
    assert all(torch.equal(found[k], expected[k]) for k in expected)
