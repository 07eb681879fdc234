"""GPT-2's published sizes, numbers only (torchtune's model builders)."""

from __future__ import annotations

from typing import Any

from metagen.blueprint.catalog import Variant


def _gpt2(d_model: int, n_layers: int, n_heads: int) -> dict[str, Any]:
    return {
        "vocab_size": 50257,
        "context_length": 1024,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "n_kv_heads": n_heads,
        "d_ff": 4 * d_model,
        "norm": "layernorm",
        "mlp": "gelu",
        "activation": "gelu_tanh",  # GPT-2's "gelu_new"
        "position": "learned",
        "bias": True,
        "tie_embeddings": True,
        "rope_theta": 10000.0,
        "norm_eps": 1e-5,
        "dropout": 0.0,
    }


VARIANTS = (
    Variant(
        "gpt2",
        "decoder_lm",
        "transformer",
        _gpt2(768, 12, 12),
        124_439_808,
        "Radford et al. 2019, GPT-2 small (tied embeddings)",
    ),
    Variant(
        "gpt2_medium",
        "decoder_lm",
        "transformer",
        _gpt2(1024, 24, 16),
        354_823_168,
        "Radford et al. 2019, GPT-2 medium (tied embeddings)",
    ),
)
