"""BERT checkpoints (BertForSequenceClassification, or a bare BertModel) as MetaGen's
text_encoder, which is BERT's trunk with a pooled head: the masked-LM mapping's trunk, and the
classifier as the head where the checkpoint has one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metagen.archs.encoder_mlm.hf_weights import (
    BUFFERS,
    FAMILY,
    POOLER_TENSORS,
    bert_dims,
    bert_names,
    trunk_rules,
)
from metagen.archs.hf_mapping import Row, apply_rules, num_labels, prefixed

# A bare BertModel has no task head: the mapped state_dict then lacks these, and the head
# starts fresh (fine-tuning begins there).
HEAD_KEYS = ("head.weight", "head.bias")
HEAD: tuple[Row, ...] = (
    ("head.weight", "classifier.weight", "copy"),
    ("head.bias", "classifier.bias", "copy"),
)


def config_from_hf(hf_config: Mapping[str, Any]) -> dict[str, Any]:
    """text_encoder dims from a BERT config.json: the trunk's, the first token pooled (BERT's
    [CLS], through the pooler where the checkpoint has one) and num_labels outputs."""
    return {**bert_dims(hf_config), "pool": "cls", "num_outputs": num_labels(hf_config)}


def state_dict_from_hf(hf_state: Mapping[str, Any], dims: Mapping[str, Any]) -> dict[str, Any]:
    """text_encoder's state_dict from a BERT checkpoint: BertForSequenceClassification maps
    whole; BertModel maps all but HEAD_KEYS, which it lacks. Pre-training heads (masked LM,
    next sentence) are left out. A missing, misshapen or unmapped tensor is a ValueError
    naming it."""
    tensors, prefix = bert_names(hf_state)
    ignored = [BUFFERS, r"cls\..*"]
    if not dims["pooler"]:
        ignored.append(POOLER_TENSORS)
    return apply_rules(
        tensors,
        trunk_rules(dims, prefix) + prefixed(HEAD, "", ""),
        arch="text_encoder",
        dims=dims,
        family=FAMILY,
        ignored=ignored,
        optional=HEAD_KEYS,
    )
