"""Llama-family functions and weights: transformers' Llama (plain, Llama 3 RoPE scaling,
linear scaling), Mistral (sliding window shorter than the sequence) and Qwen2 (q/k/v biases,
tied embeddings), each built from a small config with seeded random weights (nothing
downloaded), mapped by hf_llama.py, give MetaGen's decoder_lm the same logits."""

import pytest
import torch
from transformers import (
    LlamaConfig,
    LlamaForCausalLM,
    MistralConfig,
    MistralForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
)

from metagen.archs.build import build_from_dims
from metagen.archs.decoder_lm.hf_llama import config_from_hf, state_dict_from_hf

torch.set_num_threads(1)

SEQ_LEN = 12
SHAPE = dict(
    vocab_size=97,
    hidden_size=64,
    intermediate_size=96,
    num_hidden_layers=2,
    num_attention_heads=4,  # head_dim 16: eight RoPE frequencies
    num_key_value_heads=2,
    max_position_embeddings=512,
    rms_norm_eps=1e-6,
)
# Llama 3.1's rule at a small scale: of the wavelengths 2 pi 10000^(k/8) (6 to 19,869
# positions), those under 256 / 4 are kept, those over 256 divided by 8, 199 blended.
LLAMA3_ROPE = {
    "rope_type": "llama3",
    "factor": 8.0,
    "low_freq_factor": 1.0,
    "high_freq_factor": 4.0,
    "original_max_position_embeddings": 256,
    "rope_theta": 10000.0,
}
CASES = {
    "llama": (LlamaConfig, LlamaForCausalLM, dict(rope_theta=500000.0)),
    "llama3_rope": (LlamaConfig, LlamaForCausalLM, dict(rope_scaling=LLAMA3_ROPE)),
    "llama_linear_rope": (
        LlamaConfig,
        LlamaForCausalLM,
        dict(rope_scaling={"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}),
    ),
    "mistral_window": (MistralConfig, MistralForCausalLM, dict(sliding_window=5)),
    "qwen2_qkv_bias_tied": (Qwen2Config, Qwen2ForCausalLM, dict(tie_word_embeddings=True)),
    "qwen2_window_every_layer": (
        Qwen2Config,
        Qwen2ForCausalLM,
        dict(use_sliding_window=True, sliding_window=5, max_window_layers=0),
    ),
}


def reference_model(case: str):
    config_cls, model_cls, extra = CASES[case]
    config = config_cls(**SHAPE, **extra)
    torch.manual_seed(0)
    model = model_cls(config).eval()
    with torch.no_grad():  # every tensor random (biases too), logits of about 1
        for name, tensor in model.named_parameters():
            if "norm" in name:
                tensor.normal_(1.0, 0.2)
            else:
                tensor.normal_(0.0, 0.2)
    return config, model


def mapped(config, reference):
    dims = config_from_hf(config.to_dict())
    model = build_from_dims("decoder_lm", dims).eval()
    model.load_state_dict(state_dict_from_hf(reference.state_dict(), dims), strict=True)
    return model, dims


def input_ids() -> torch.Tensor:
    return torch.randint(
        SHAPE["vocab_size"], (2, SEQ_LEN), generator=torch.Generator().manual_seed(1)
    )


@pytest.mark.parametrize("case", CASES)
def test_same_logits_as_transformers(case):
    config, reference = reference_model(case)
    model, _ = mapped(config, reference)
    ids = input_ids()
    with torch.no_grad():
        expected = reference(input_ids=ids).logits
        ours = model(ids)
    torch.testing.assert_close(ours, expected, rtol=0, atol=1e-5)


def test_the_new_options_reach_the_dims_and_change_the_function():
    config, reference = reference_model("llama3_rope")
    model, dims = mapped(config, reference)
    assert (dims["rope_scaling"], dims["rope_original_context"]) == ("llama3", 256)
    plain, _ = mapped(LlamaConfig(**SHAPE), reference)  # the same weights, unscaled RoPE
    ids = input_ids()
    with torch.no_grad():
        assert (model(ids) - plain(ids)).abs().max() > 1e-2
    assert config_from_hf(reference_model("mistral_window")[0].to_dict())["sliding_window"] == 5
    qwen2 = config_from_hf(reference_model("qwen2_qkv_bias_tied")[0].to_dict())
    assert (qwen2["qkv_bias"], qwen2["bias"], qwen2["tie_embeddings"]) == (True, False, True)


def test_mistral_window_holds_for_kv_cached_decoding():
    config, reference = reference_model("mistral_window")
    model, _ = mapped(config, reference)
    ids = input_ids()
    caches = model.new_kv_caches(batch_size=2, max_len=SEQ_LEN)
    with torch.no_grad():
        stepwise = torch.cat([model(ids[:, t : t + 1], caches) for t in range(SEQ_LEN)], dim=1)
        expected = reference(input_ids=ids).logits
    torch.testing.assert_close(stepwise, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("case", "missing", "wrong"),
    [
        ("llama", "model.layers.1.mlp.down_proj.weight", "model.layers.0.self_attn.k_proj.weight"),
        ("mistral_window", "model.norm.weight", "model.layers.1.self_attn.v_proj.weight"),
        (
            "qwen2_qkv_bias_tied",
            "model.layers.0.self_attn.q_proj.bias",
            "model.embed_tokens.weight",
        ),
    ],
)
def test_a_missing_or_misshapen_tensor_is_named(case, missing, wrong):
    config, reference = reference_model(case)
    state = reference.state_dict()
    dims = config_from_hf(config.to_dict())
    with pytest.raises(ValueError, match=f"no tensor '{missing}'"):
        state_dict_from_hf({k: v for k, v in state.items() if k != missing}, dims)
    cut = state[wrong][:-1]
    with pytest.raises(ValueError, match=rf"'{wrong}' has shape \({cut.shape[0]}, "):
        state_dict_from_hf({**state, wrong: cut}, dims)


def test_an_untied_head_under_a_tied_config_is_refused():
    config, reference = reference_model("qwen2_qkv_bias_tied")
    state = dict(reference.state_dict())
    dims = config_from_hf(config.to_dict())
    state["lm_head.weight"] = state["model.embed_tokens.weight"] + 1
    with pytest.raises(ValueError, match="'lm_head.weight' differs"):
        state_dict_from_hf(state, dims)


@pytest.mark.parametrize(
    ("case", "override", "message"),
    [
        ("llama", {"hidden_act": "gelu"}, "hidden_act"),
        ("llama", {"rope_parameters": {"rope_type": "yarn", "factor": 4.0}}, "'yarn'"),
        ("llama", {"head_dim": 32}, "head_dim"),
        ("llama", {"attention_bias": True, "mlp_bias": False}, "mlp_bias"),
        ("llama", {"partial_rotary_factor": 0.5}, "partial_rotary_factor"),
        (
            "qwen2_qkv_bias_tied",
            # with no layer_types, transformers slides from layer max_window_layers on
            {
                "use_sliding_window": True,
                "sliding_window": 5,
                "max_window_layers": 1,
                "layer_types": None,
            },
            "some layers",
        ),
        ("llama", {"model_type": "gpt2"}, "'gpt2' model"),
    ],
)
def test_config_refuses_what_metagen_cannot_compute(case, override, message):
    config = {**reference_model(case)[0].to_dict(), **override}
    with pytest.raises(ValueError, match=message):
        config_from_hf(config)


def test_transformers_4_config_keys_are_read():
    """A config.json written by transformers 4 keeps rope_theta and rope_scaling apart."""
    v4 = {
        "model_type": "llama",
        **SHAPE,
        "hidden_act": "silu",
        "rope_theta": 500000.0,
        "rope_scaling": {k: v for k, v in LLAMA3_ROPE.items() if k != "rope_theta"},
    }
    dims = config_from_hf(v4)
    assert dims["rope_theta"] == 500000.0 and dims["rope_scaling"] == "llama3"
    assert dims["rope_scaling_factor"] == 8.0 and dims["rope_original_context"] == 256
