"""BERT checkpoints (BertForMaskedLM, BertForPreTraining) as MetaGen's encoder_mlm: the
config.json's settings as dims, and the tensors renamed, q, k and v fused into one qkv, the
MLM decoder tied to the token embedding. The BERT trunk's pieces serve text_encoder too."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from metagen.archs.hf_mapping import (
    Row,
    Rule,
    apply_rules,
    check_model_type,
    prefixed,
    require,
    setting,
)

FAMILY = "BERT"
WHERE = "BERT config.json"
# transformers builds these heads on a BertModel without its pooler.
WITHOUT_POOLER = (
    "BertForMaskedLM",
    "BertLMHeadModel",
    "BertForTokenClassification",
    "BertForQuestionAnswering",
)
_QKV = ("attention.self.query", "attention.self.key", "attention.self.value")
# One block: MetaGen's names (under blocks.<i>.) from BERT's (under encoder.layer.<i>.).
LAYER: tuple[Row, ...] = (
    ("attention.qkv.weight", tuple(f"{n}.weight" for n in _QKV), "concat"),
    ("attention.qkv.bias", tuple(f"{n}.bias" for n in _QKV), "concat"),
    ("attention.out_proj.weight", "attention.output.dense.weight", "copy"),
    ("attention.out_proj.bias", "attention.output.dense.bias", "copy"),
    ("norm1.weight", "attention.output.LayerNorm.weight", "copy"),
    ("norm1.bias", "attention.output.LayerNorm.bias", "copy"),
    ("mlp.in_proj.weight", "intermediate.dense.weight", "copy"),
    ("mlp.in_proj.bias", "intermediate.dense.bias", "copy"),
    ("mlp.out_proj.weight", "output.dense.weight", "copy"),
    ("mlp.out_proj.bias", "output.dense.bias", "copy"),
    ("norm2.weight", "output.LayerNorm.weight", "copy"),
    ("norm2.bias", "output.LayerNorm.bias", "copy"),
)
EMBEDDINGS: tuple[Row, ...] = (
    ("embeddings.token_embedding.weight", "embeddings.word_embeddings.weight", "copy"),
    ("embeddings.position_embedding.weight", "embeddings.position_embeddings.weight", "copy"),
    ("embeddings.token_type_embedding.weight", "embeddings.token_type_embeddings.weight", "copy"),
    ("embeddings.norm.weight", "embeddings.LayerNorm.weight", "copy"),
    ("embeddings.norm.bias", "embeddings.LayerNorm.bias", "copy"),
)
POOLER: tuple[Row, ...] = (
    ("pooler.dense.weight", "pooler.dense.weight", "copy"),
    ("pooler.dense.bias", "pooler.dense.bias", "copy"),
)
MLM_HEAD: tuple[Row, ...] = (
    ("mlm_head.dense.weight", "cls.predictions.transform.dense.weight", "copy"),
    ("mlm_head.dense.bias", "cls.predictions.transform.dense.bias", "copy"),
    ("mlm_head.norm.weight", "cls.predictions.transform.LayerNorm.weight", "copy"),
    ("mlm_head.norm.bias", "cls.predictions.transform.LayerNorm.bias", "copy"),
)
# Buffers that older BERT files saved: position ids and token-type ids, not weights.
BUFFERS = r"(bert\.)?embeddings\.(position_ids|token_type_ids)"
POOLER_TENSORS = r"(bert\.)?pooler\.dense\.(weight|bias)"
OLD_NORM_NAMES = {"LayerNorm.gamma": "LayerNorm.weight", "LayerNorm.beta": "LayerNorm.bias"}


def bert_dims(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """The BERT trunk's dims (BertEncoderConfig's fields) from a BERT config.json. MetaGen's
    BERT is post-norm with absolute positions and the exact GELU; anything else is refused."""
    c = hf_config
    check_model_type(c, "bert", FAMILY)
    require(c, "position_embedding_type", "absolute", "absolute", where=WHERE)
    require(c, "is_decoder", False, False, where=WHERE)
    require(c, "add_cross_attention", False, False, where=WHERE)
    require(c, "hidden_act", "gelu", "gelu", where=WHERE)  # MetaGen's BERT: the exact GELU
    architectures = setting(c, "architectures", None, where=WHERE) or []
    return {
        "vocab_size": setting(c, "vocab_size", where=WHERE),
        "context_length": setting(c, "max_position_embeddings", where=WHERE),
        "type_vocab_size": setting(c, "type_vocab_size", 2, where=WHERE),
        "d_model": setting(c, "hidden_size", where=WHERE),
        "n_layers": setting(c, "num_hidden_layers", where=WHERE),
        "n_heads": setting(c, "num_attention_heads", where=WHERE),
        "d_ff": setting(c, "intermediate_size", where=WHERE),
        "norm_position": "post",
        # the class that saved the checkpoint decides, as transformers builds it
        "pooler": not (architectures and architectures[0] in WITHOUT_POOLER),
        "norm_eps": float(setting(c, "layer_norm_eps", 1e-12, where=WHERE)),
        "dropout": float(setting(c, "hidden_dropout_prob", 0.1, where=WHERE)),
    }


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """encoder_mlm dims from a BERT config.json. The MLM decoder is tied to the token
    embedding in MetaGen, so untied word embeddings are refused."""
    require(hf_config, "tie_word_embeddings", True, True, where=WHERE)
    return bert_dims(hf_config)


def bert_names(hf_state: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """The tensors with LayerNorm's old gamma/beta read as weight/bias (as transformers reads
    them), and the trunk's prefix: "bert." under a task head, "" in a bare BertModel."""
    renamed = {
        re.sub(r"LayerNorm\.(gamma|beta)$", lambda m: OLD_NORM_NAMES[m.group(0)], name): tensor
        for name, tensor in hf_state.items()
    }
    prefix = "bert." if any(k.startswith("bert.") for k in renamed) else ""
    return renamed, prefix


def trunk_rules(dims: Mapping[str, Any], prefix: str) -> list[Rule]:
    """Embeddings, blocks and (if the dims have one) the pooler, from BERT's names."""
    rules = prefixed(EMBEDDINGS, "", prefix)
    for i in range(dims["n_layers"]):
        rules += prefixed(LAYER, f"blocks.{i}.", f"{prefix}encoder.layer.{i}.")
    if dims["pooler"]:
        rules += prefixed(POOLER, "", prefix)
    return rules


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """encoder_mlm's state_dict from a BertForMaskedLM or BertForPreTraining checkpoint. The
    next-sentence head (pre-training only) and, without a pooler in the dims, the pooler are
    left out, as transformers' BertForMaskedLM leaves them. A missing, misshapen or unmapped
    tensor is a ValueError naming it."""
    tensors, prefix = bert_names(hf_state)
    rules = trunk_rules(dims, prefix) + prefixed(MLM_HEAD, "", "")
    # The decoder is tied to the word embeddings; its bias is cls.predictions.bias (which
    # transformers ties to cls.predictions.decoder.bias: files hold either or both).
    bias = "cls.predictions.bias"
    if bias not in tensors and "cls.predictions.decoder.bias" in tensors:
        bias = "cls.predictions.decoder.bias"
    rules += prefixed(
        (
            ("mlm_head.decoder.weight", f"{prefix}embeddings.word_embeddings.weight", "copy"),
            ("mlm_head.decoder.bias", bias, "copy"),
        ),
        "",
        "",
    )
    ignored = [
        BUFFERS,
        r"cls\.predictions\.decoder\.(weight|bias)",  # copies of tied tensors
        r"cls\.seq_relationship\.(weight|bias)",  # the next-sentence head
    ]
    if not dims["pooler"]:
        ignored.append(POOLER_TENSORS)
    return apply_rules(
        tensors, rules, arch="encoder_mlm", dims=dims, family=FAMILY, ignored=ignored
    )
