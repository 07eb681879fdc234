"""BERT-base's published size, numbers only (torchtune's model builders)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.catalog import Variant


def _bert(d_model: int, n_layers: int, n_heads: int) -> dict[str, Any]:
    return {
        "vocab_size": 30522,
        "context_length": 512,
        "type_vocab_size": 2,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "d_ff": 4 * d_model,
        "norm_position": "post",
        "pooler": True,
        "norm_eps": 1e-12,
        "dropout": 0.1,
    }


VARIANTS = (
    Variant(
        "bert_base",
        "encoder_mlm",
        "transformer",
        _bert(768, 12, 12),
        109_482_240,
        "Devlin et al. 2019, BERT-base uncased (encoder with pooler, without the MLM head)",
        published_components=("embeddings", "blocks", "pooler"),
        heads_on=("text_encoder",),
    ),
)
