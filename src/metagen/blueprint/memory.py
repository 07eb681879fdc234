"""Memory arithmetic for the plan, in bytes: weights, AdamW training state, the KV cache.

These are formulas over exact parameter counts, not measurements, and the plan labels them
so. Activation memory depends on batch size and recomputation and is left out, said so.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.vlm.counts import vlm_kv_cache_positions
from metagen.blueprint.counts import count_kv_cache_bytes
from metagen.blueprint.devices import DEVICE_MEMORY

# Inference weights in bf16; training keeps fp32 weights, fp32 grads and two fp32 AdamW moments.
INFERENCE_BYTES_PER_PARAM = 2
TRAINING_BYTES_PER_PARAM = 4 + 4 + 8


def memory_report(
    arch: str, dims: dict[str, Any], params: int, context_length: int | None
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "weights_fp32_bytes": 4 * params,
        "weights_bf16_bytes": INFERENCE_BYTES_PER_PARAM * params,
        "training_adamw_bytes": TRAINING_BYTES_PER_PARAM * params,
    }
    # Any causal decoder (decoder_lm, audio_lm): its dims name the KV heads it caches.
    if "n_kv_heads" in dims and context_length:
        if arch == "vlm":  # early fusion caches the image tokens before the text
            context_length = vlm_kv_cache_positions(dims, context_length)
        report["kv_cache_context_length"] = context_length
        report["kv_cache_bf16_bytes"] = count_kv_cache_bytes(dims, context_length, 2)
        report["inference_bf16_bytes"] = (
            report["weights_bf16_bytes"] + report["kv_cache_bf16_bytes"]
        )
    else:
        report["inference_bf16_bytes"] = report["weights_bf16_bytes"]
    return report


def memory_cap(memory_budget: int | None, device: str | None) -> int | None:
    """The tightest memory limit the spec states, directly or through its device class."""
    limits = [m for m in (memory_budget, DEVICE_MEMORY.get(device or "")) if m]
    return min(limits) if limits else None
