"""Autocast for a precision name: auto, bf16, fp16 or fp32."""

import contextlib

import torch

PRECISION_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": None}


def resolve_precision(device_type: str, precision: str) -> str:
    """Map "auto" to bf16 on a CUDA device that supports it, else fp32; check the others."""
    if precision == "auto":
        return "bf16" if device_type == "cuda" and torch.cuda.is_bf16_supported() else "fp32"
    if precision not in PRECISION_DTYPES:
        raise ValueError(
            f"precision {precision!r} is not one of auto, {', '.join(PRECISION_DTYPES)}"
        )
    return precision


def autocast_context(device_type: str, precision: str):
    """A context manager that runs the forward pass in the resolved precision."""
    dtype = PRECISION_DTYPES[resolve_precision(device_type, precision)]
    return contextlib.nullcontext() if dtype is None else torch.autocast(device_type, dtype=dtype)
