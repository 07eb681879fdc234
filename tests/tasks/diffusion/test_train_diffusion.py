"""A tiny caption-conditioned U-Net learns to denoise: after a short run its held-out error is
well below that of predicting zero noise on the same noised samples."""

from __future__ import annotations

import torch

from metagen.archs.build import build_from_dims
from metagen.tasks.runtime import build_datasets, train_model

torch.set_num_threads(1)

TINY_UNET = {
    "image_size": 16,
    "in_channels": 3,
    "base_channels": 16,
    "channel_mults": [1, 2],
    "num_res_blocks": 1,
    "attention_resolutions": [8],
    "head_channels": 16,
    "norm_groups": 8,
    "dropout": 0.0,
    "text_conditioning": True,
    "caption_vocab_size": 259,
    "caption_length": 24,
    "caption_d_model": 32,
    "caption_n_layers": 1,
    "caption_n_heads": 2,
}
DATA = {
    "kind": "image",
    "image_size": 16,
    "channels": 3,
    "num_timesteps": 1000,
    "beta_schedule": "cosine",
    "text_conditioning": True,
    "caption_length": 24,
    "num_train": 2000,
    "num_val": 64,
    "noised_samples": 2000,
}


def test_unet_beats_the_zero_noise_baseline_on_held_out_shapes(tmp_path):
    train, val, _ = build_datasets("diffusion", DATA, "synthetic", seed=0)
    torch.manual_seed(0)
    model = build_from_dims("unet", TINY_UNET)
    cfg = {
        "steps": 40,
        "batch_size": 16,
        "lr": 2e-3,
        "min_lr_ratio": 0.1,
        "warmup_steps": 4,
        "weight_decay": 0.0,
        "grad_clip": 1.0,
        "eval_every": 0,
        "eval_batches": 4,
        "checkpoint_every": 0,
        "seed": 0,
    }
    metrics = train_model(
        model,
        task="diffusion",
        train_ds=train,
        val_ds=val,
        cfg=cfg,
        out_dir=tmp_path,
        progress=False,
        log_fn=lambda *args: None,
    )
    result = metrics["eval"]
    assert result["num_samples"] == 64
    assert 0.9 < result["zero_noise_mse"] < 1.1  # unit Gaussian noise
    # Measured: 0.25 after 60 steps (zero-noise baseline 1.006); demand half the baseline.
    assert result["loss"] < 0.5 * result["zero_noise_mse"]
