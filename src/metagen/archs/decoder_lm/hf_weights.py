"""GPT-2 checkpoints (GPT2LMHeadModel, or GPT2Model's bare names; any size) as MetaGen's
decoder_lm: the config.json's settings as dims, and the tensors renamed, GPT-2's Conv1D
weights ((in, out)) transposed into linears, the LM head tied to the token embedding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagen.archs.hf_mapping import (
    Row,
    Rule,
    activation_from_hf,
    apply_rules,
    check_model_type,
    prefixed,
    require,
    setting,
)

FAMILY = "GPT-2"
WHERE = "GPT-2 config.json"
# One block: MetaGen's names (under blocks.<i>.) from GPT-2's (under h.<i>.).
LAYER: tuple[Row, ...] = (
    ("norm1.weight", "ln_1.weight", "copy"),
    ("norm1.bias", "ln_1.bias", "copy"),
    ("attention.qkv.weight", "attn.c_attn.weight", "transpose"),
    ("attention.qkv.bias", "attn.c_attn.bias", "copy"),
    ("attention.out_proj.weight", "attn.c_proj.weight", "transpose"),
    ("attention.out_proj.bias", "attn.c_proj.bias", "copy"),
    ("norm2.weight", "ln_2.weight", "copy"),
    ("norm2.bias", "ln_2.bias", "copy"),
    ("mlp.in_proj.weight", "mlp.c_fc.weight", "transpose"),
    ("mlp.in_proj.bias", "mlp.c_fc.bias", "copy"),
    ("mlp.out_proj.weight", "mlp.c_proj.weight", "transpose"),
    ("mlp.out_proj.bias", "mlp.c_proj.bias", "copy"),
)
OUTER: tuple[Row, ...] = (
    ("token_embedding.weight", "wte.weight", "copy"),
    ("position_embedding.weight", "wpe.weight", "copy"),
    ("final_norm.weight", "ln_f.weight", "copy"),
    ("final_norm.bias", "ln_f.bias", "copy"),
)
# Older GPT-2 files also saved each attention's causal mask and its fill value.
MASK_BUFFERS = r"(transformer\.)?h\.\d+\.attn\.(bias|masked_bias)"


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """decoder_lm dims from a GPT-2 config.json; keys it may leave out take transformers'
    defaults. A setting MetaGen does not compute (another attention scaling, cross-attention,
    a non-GELU activation) is a ValueError naming it."""
    c = hf_config
    check_model_type(c, "gpt2", FAMILY)
    require(c, "scale_attn_weights", True, True, where=WHERE)
    require(c, "scale_attn_by_inverse_layer_idx", False, False, where=WHERE)
    require(c, "add_cross_attention", False, False, where=WHERE)
    d_model = setting(c, "n_embd", where=WHERE)
    n_heads = setting(c, "n_head", where=WHERE)
    activation = setting(c, "activation_function", "gelu_new", where=WHERE)
    return {
        "vocab_size": setting(c, "vocab_size", where=WHERE),
        "context_length": setting(c, "n_positions", where=WHERE),
        "d_model": d_model,
        "n_layers": setting(c, "n_layer", where=WHERE),
        "n_heads": n_heads,
        "n_kv_heads": n_heads,
        "d_ff": setting(c, "n_inner", None, where=WHERE) or 4 * d_model,  # None: 4 x n_embd
        "norm": "layernorm",
        "mlp": "gelu",
        "activation": activation_from_hf(activation, "activation_function", where=WHERE),
        "position": "learned",
        "bias": True,
        "tie_embeddings": bool(setting(c, "tie_word_embeddings", True, where=WHERE)),
        "rope_theta": 10000.0,  # unused: positions are learned
        "norm_eps": float(setting(c, "layer_norm_epsilon", 1e-5, where=WHERE)),
        "dropout": float(setting(c, "resid_pdrop", 0.1, where=WHERE)),
    }


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """decoder_lm's state_dict from a GPT-2 checkpoint's tensors (GPT2LMHeadModel's names
    under `transformer.`, or GPT2Model's without). A missing, misshapen or unmapped tensor is
    a ValueError naming it."""
    prefix = "transformer." if any(k.startswith("transformer.") for k in hf_state) else ""
    rules = prefixed(OUTER, "", prefix)
    for i in range(dims["n_layers"]):
        rules += prefixed(LAYER, f"blocks.{i}.", f"{prefix}h.{i}.")
    ignored = [MASK_BUFFERS]
    if dims["tie_embeddings"]:
        # transformers ties the head to wte whatever a file holds under lm_head.weight
        rules.append(Rule("lm_head.weight", (f"{prefix}wte.weight",)))
        ignored.append(r"lm_head\.weight")
    else:
        rules.append(Rule("lm_head.weight", ("lm_head.weight",)))
    return apply_rules(
        hf_state, rules, arch="decoder_lm", dims=dims, family=FAMILY, ignored=ignored
    )
