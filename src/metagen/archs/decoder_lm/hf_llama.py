"""Llama-family checkpoints (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM) as
MetaGen's decoder_lm: the config.json's settings as dims (GQA, RoPE theta and scaling,
Mistral's sliding window, Qwen2's q/k/v biases, tied or untied embeddings), and the tensors
renamed, q, k and v fused into one qkv. GPT-2 has its own mapping, hf_weights.py. Pure
Python at import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagen.archs.decoder_lm.counts import kv_dim, qkv_bias
from metagen.archs.hf_mapping import Row, Rule, apply_rules, prefixed, require, setting

# model_type -> the family's name in messages
FAMILIES = {"llama": "Llama", "mistral": "Mistral", "qwen2": "Qwen2"}
# Computed exactly by nn/rope.py; the others (dynamic NTK, YaRN, LongRoPE) are not built.
ROPE_TYPES = ("default", "linear", "llama3")
# Checkpoints written before transformers 4.31 saved each layer's RoPE frequencies, which
# MetaGen recomputes from rope_theta.
ROPE_BUFFERS = r"model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq"
# One block: MetaGen's names (under blocks.<i>.) from the checkpoint's (under model.layers.<i>.);
# q, k, v are added per dims, since their rows depend on the heads.
LAYER: tuple[Row, ...] = (
    ("norm1.weight", "input_layernorm.weight", "copy"),
    ("attention.out_proj.weight", "self_attn.o_proj.weight", "copy"),
    ("norm2.weight", "post_attention_layernorm.weight", "copy"),
    ("mlp.gate_proj.weight", "mlp.gate_proj.weight", "copy"),
    ("mlp.up_proj.weight", "mlp.up_proj.weight", "copy"),
    ("mlp.out_proj.weight", "mlp.down_proj.weight", "copy"),
)
# The biases of a Llama with attention_bias and mlp_bias (MetaGen's `bias`).
LAYER_BIASES: tuple[Row, ...] = (
    ("attention.out_proj.bias", "self_attn.o_proj.bias", "copy"),
    ("mlp.gate_proj.bias", "mlp.gate_proj.bias", "copy"),
    ("mlp.up_proj.bias", "mlp.up_proj.bias", "copy"),
    ("mlp.out_proj.bias", "mlp.down_proj.bias", "copy"),
)


def _family(hf_config: Mapping[str, Any]) -> str:
    model_type = hf_config.get("model_type")
    if model_type not in FAMILIES:
        raise ValueError(
            f"The config.json is for a {model_type!r} model; this mapping reads "
            f"{', '.join(FAMILIES)} checkpoints (GPT-2's is decoder_lm/hf_weights.py). Pick "
            f"the mapping for {model_type!r}, if MetaGen has one."
        )
    return FAMILIES[model_type]


def _rope(c: Mapping[str, Any], context: int, where: str) -> dict[str, Any]:
    """RoPE fields: theta and the scaling, from transformers 5's rope_parameters or the
    rope_theta and rope_scaling that transformers 4 writes."""
    params = dict(c.get("rope_parameters") or c.get("rope_scaling") or {})
    kind = params.get("rope_type", params.get("type", "default"))
    if kind not in ROPE_TYPES:
        raise ValueError(
            f"The {where} sets RoPE type {kind!r}; MetaGen computes RoPE with "
            f"{', '.join(ROPE_TYPES)} frequencies only, so it would not reproduce this "
            "checkpoint's function. Import a checkpoint with one of those."
        )
    partial = params.get("partial_rotary_factor", c.get("partial_rotary_factor", 1.0))
    require({"partial_rotary_factor": partial}, "partial_rotary_factor", 1.0, 1.0, where=where)
    fields: dict[str, Any] = {
        "rope_theta": float(params.get("rope_theta", c.get("rope_theta", 10000.0)))
    }
    if kind == "default":
        return fields
    fields.update(rope_scaling=kind, rope_scaling_factor=float(params["factor"]))
    if kind == "llama3":
        fields.update(
            rope_low_freq_factor=float(params["low_freq_factor"]),
            rope_high_freq_factor=float(params["high_freq_factor"]),
            rope_original_context=int(params.get("original_max_position_embeddings", context)),
        )
    return fields


def _biases(c: Mapping[str, Any], model_type: str, where: str) -> dict[str, Any]:
    """MetaGen's bias fields: Qwen2 has q/k/v biases alone; Llama's attention_bias and
    mlp_bias must agree (MetaGen's `bias` covers both); Mistral has none."""
    if model_type == "qwen2":
        return {"bias": False, "qkv_bias": True}
    if model_type == "mistral":
        return {"bias": False}
    attention = bool(setting(c, "attention_bias", False, where=where))
    require(c, "mlp_bias", attention, False, where=where)  # both or neither
    return {"bias": attention}


def _sliding_window(c: Mapping[str, Any], model_type: str, layers: int, where: str) -> Any:
    """Mistral's window (every layer), or Qwen2's where every layer has it; None for none."""
    if model_type == "mistral":
        return setting(c, "sliding_window", None, where=where)
    if model_type != "qwen2" or not setting(c, "use_sliding_window", False, where=where):
        return None
    window = setting(c, "sliding_window", None, where=where)
    if window is None:
        return None
    first = setting(c, "max_window_layers", layers, where=where)  # transformers' layer_types
    kinds = c.get("layer_types") or [
        "sliding_attention" if i >= first else "full_attention" for i in range(layers)
    ]
    if len(set(kinds)) > 1:
        raise ValueError(
            f"The {where} slides the attention window on some layers only (layer_types "
            f"{kinds}); MetaGen's decoder_lm has one window for every layer, so it would not "
            "reproduce this checkpoint's function. Import a checkpoint without use_sliding_window."
        )
    return window if kinds[0] == "sliding_attention" else None


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """decoder_lm dims from a Llama, Mistral or Qwen2 config.json; keys it may leave out take
    transformers' defaults. A setting MetaGen does not compute (another activation, a head
    width other than hidden_size / heads, YaRN or dynamic RoPE, partial rotary, Llama's
    attention and MLP biases apart, Qwen2's window on some layers only) is a ValueError
    naming it."""
    c = hf_config
    family = _family(c)
    where = f"{family} config.json"
    model_type = c["model_type"]
    d_model = setting(c, "hidden_size", where=where)
    n_heads = setting(c, "num_attention_heads", where=where)
    n_layers = setting(c, "num_hidden_layers", where=where)
    context = setting(c, "max_position_embeddings", where=where)
    require(c, "hidden_act", "silu", "silu", where=where)  # SwiGLU
    head_dim = c.get("head_dim") or d_model // n_heads  # null or absent: the quotient
    require({"head_dim": head_dim}, "head_dim", d_model // n_heads, None, where=where)
    dims: dict[str, Any] = {
        "vocab_size": setting(c, "vocab_size", where=where),
        "context_length": context,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "n_kv_heads": setting(c, "num_key_value_heads", n_heads, where=where),
        "d_ff": setting(c, "intermediate_size", where=where),
        "norm": "rmsnorm",
        "mlp": "swiglu",
        "position": "rope",
        "tie_embeddings": bool(setting(c, "tie_word_embeddings", False, where=where)),
        "norm_eps": float(setting(c, "rms_norm_eps", 1e-6, where=where)),
        "dropout": 0.0,  # attention_dropout is a training setting; imports run as published
        **_biases(c, model_type, where),
        **_rope(c, context, where),
    }
    window = _sliding_window(c, model_type, n_layers, where)
    if window is not None:
        dims["sliding_window"] = window
    return dims


def _layer_rules(i: int, dims: Mapping[str, Any]) -> list[Rule]:
    """Block i's tensors; q, k and v fused into MetaGen's qkv (q's rows, then k's, then v's),
    with their biases where the dims have them."""
    ours, theirs = f"blocks.{i}.", f"model.layers.{i}."
    rules = prefixed(LAYER, ours, theirs)
    if dims["bias"]:
        rules += prefixed(LAYER_BIASES, ours, theirs)
    kv = kv_dim(dict(dims))
    for param in ("weight", "bias") if qkv_bias(dict(dims)) else ("weight",):
        sources = tuple(f"{theirs}self_attn.{p}_proj.{param}" for p in "qkv")
        rows = (dims["d_model"], kv, kv)
        rules.append(Rule(f"{ours}attention.qkv.{param}", sources, "concat", rows=rows))
    return rules


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """decoder_lm's state_dict from a LlamaForCausalLM, MistralForCausalLM or
    Qwen2ForCausalLM checkpoint's tensors. With tied embeddings, lm_head.weight, where saved,
    must equal the token embedding. A missing, misshapen or unmapped tensor is a ValueError
    naming it."""
    embedding = "model.embed_tokens.weight"
    tied = bool(dims["tie_embeddings"])
    rules = [
        Rule("token_embedding.weight", (embedding,)),
        Rule("final_norm.weight", ("model.norm.weight",)),
        Rule("lm_head.weight", (embedding if tied else "lm_head.weight",)),
    ]
    for i in range(dims["n_layers"]):
        rules += _layer_rules(i, dims)
    return apply_rules(
        hf_state,
        rules,
        arch="decoder_lm",
        dims=dims,
        family="Llama-family",
        ignored=[ROPE_BUFFERS],
        tied={"lm_head.weight": embedding} if tied else None,
    )
