"""Constructors reject bad dims with a ValueError that names the values."""

import re

import pytest
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims, example_inputs_for
from metagen.archs.registry import archs
from metagen.nn.attention import CausalSelfAttention

LM = SMALL_DIMS["decoder_lm"]["rope_swiglu_gqa"]
VIT = SMALL_DIMS["vit"]["cls"]
RESNET = SMALL_DIMS["resnet"]["basic_imagenet"]
MLM = SMALL_DIMS["encoder_mlm"]["post_norm_two_types"]

BAD = {
    "kv_heads": (
        "decoder_lm",
        {**LM, "n_kv_heads": 3},
        "n_heads (4) must be divisible by n_kv_heads (3)",
    ),
    "lm_heads": (
        "decoder_lm",
        {**LM, "n_heads": 5, "n_kv_heads": 5},
        "d_model (32) must be divisible by n_heads (5)",
    ),
    "rope_odd": (
        "decoder_lm",
        {**LM, "d_model": 36, "n_heads": 4, "n_kv_heads": 4},
        "rope needs an even head_dim",
    ),
    "norm": (
        "decoder_lm",
        {**LM, "norm": "batchnorm"},
        "norm must be one of ['layernorm', 'rmsnorm'], got 'batchnorm'",
    ),
    "mlp": (
        "decoder_lm",
        {**LM, "mlp": "relu"},
        "mlp must be one of ['gelu', 'swiglu'], got 'relu'",
    ),
    "position": ("decoder_lm", {**LM, "position": "alibi"}, "position must be one of"),
    "vocab": ("decoder_lm", {**LM, "vocab_size": 0}, "vocab_size must be positive, got 0"),
    "dropout": ("decoder_lm", {**LM, "dropout": 1.0}, "dropout must be in [0, 1), got 1.0"),
    "patch": (
        "vit",
        {**VIT, "image_size": 30},
        "image_size (30) must be divisible by patch_size (8)",
    ),
    "vit_heads": ("vit", {**VIT, "n_heads": 3}, "d_model (32) must be divisible by n_heads (3)"),
    "pool": ("vit", {**VIT, "pool": "max"}, "pool must be one of ['cls', 'mean'], got 'max'"),
    "stages": (
        "resnet",
        {**RESNET, "layers": [2, 2]},
        "layers must list 4 stage depths, got [2, 2]",
    ),
    "depth": ("resnet", {**RESNET, "layers": [2, 0, 2, 2]}, "layers[1] must be positive, got 0"),
    "block": (
        "resnet",
        {**RESNET, "block": "dense"},
        "block must be one of ['basic', 'bottleneck'], got 'dense'",
    ),
    "stem": (
        "resnet",
        {**RESNET, "stem": "tiny"},
        "stem must be one of ['cifar', 'imagenet'], got 'tiny'",
    ),
    "unknown_dim": ("vit", {**VIT, "depth": 3}, "unknown vit dims ['depth']"),
    "norm_position": (
        "encoder_mlm",
        {**MLM, "norm_position": "sandwich"},
        "norm_position must be one of ['post', 'pre'], got 'sandwich'",
    ),
    "mlm_heads": (
        "encoder_mlm",
        {**MLM, "n_heads": 3},
        "d_model (32) must be divisible by n_heads (3)",
    ),
    "token_types": (
        "encoder_mlm",
        {**MLM, "type_vocab_size": 0},
        "type_vocab_size must be positive",
    ),
}


@pytest.mark.parametrize(("arch", "dims", "message"), BAD.values(), ids=BAD)
def test_bad_dims_raise_value_error_naming_values(arch, dims, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build_from_dims(arch, dims)
    with pytest.raises(ValueError, match=re.escape(message)):
        example_inputs_for(arch, dims, batch_size=1)


def test_unknown_arch():
    known = re.escape(f"unknown arch 'capsnet'; known: {sorted(archs())}")
    with pytest.raises(ValueError, match=known):
        build_from_dims("capsnet", {})


def test_attention_checks_its_own_arguments():
    with pytest.raises(
        ValueError, match=re.escape("n_heads (12) must be divisible by n_kv_heads (5)")
    ):
        CausalSelfAttention(768, 12, 5, bias=False, dropout=0.0)


def test_generate_rejects_negative_temperature():
    from metagen.archs.decoder_lm.model import DecoderLM, DecoderLMConfig

    model = DecoderLM(DecoderLMConfig(**LM))
    with pytest.raises(ValueError, match="temperature must be >= 0, got -1"):
        model.generate(example_inputs_for("decoder_lm", LM, 1)["input_ids"], 2, temperature=-1)
