"""Hugging Face reference models for the weight-mapping tests: small configs, seeded random
weights (never downloaded), saved as a checkpoint folder and read back as `metagen import`
reads one. transformers is imported once per test process, here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from metagen.archs.build import build_from_dims
from metagen.checkpoint_import.sources import Checkpoint, read_checkpoint

transformers = pytest.importorskip("transformers")
transformers.logging.set_verbosity_error()  # the tiny vocabularies draw token-id warnings

VOCAB = 97
TEXT_LEN = 16
IMAGE_SIZE = 32
# The largest difference the mapped model may show against the reference, in float32.
ATOL = 1e-5


def gpt2(**overrides: Any):
    config = transformers.GPT2Config(
        n_embd=32, n_layer=2, n_head=4, n_positions=24, vocab_size=VOCAB, **overrides
    )
    return transformers.GPT2LMHeadModel(config)


def bert_config(**overrides: Any):
    return transformers.BertConfig(
        vocab_size=VOCAB,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=24,
        **overrides,
    )


def vit(**overrides: Any):
    config = transformers.ViTConfig(
        image_size=IMAGE_SIZE,
        patch_size=8,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        num_labels=5,
        **overrides,
    )
    return transformers.ViTForImageClassification(config)


def clip_config(eos_token_id: int = VOCAB - 1, **text: Any):
    return transformers.CLIPConfig(
        text_config={
            "vocab_size": VOCAB,
            "hidden_size": 32,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "intermediate_size": 64,
            "max_position_embeddings": TEXT_LEN,
            "bos_token_id": 0,
            "pad_token_id": 1,
            "eos_token_id": eos_token_id,
            **text,
        },
        vision_config={
            "image_size": IMAGE_SIZE,
            "patch_size": 8,
            "hidden_size": 48,
            "num_hidden_layers": 3,
            "num_attention_heads": 4,
            "intermediate_size": 96,
        },
        projection_dim=24,
    )


def segformer(**overrides: Any):
    """A small SegformerForSemanticSegmentation whose decoder BatchNorm holds running
    statistics of its own (not 0 and 1), so that the mapping must carry them."""
    config = transformers.SegformerConfig(
        hidden_sizes=[8, 16, 24, 32],
        num_attention_heads=[1, 2, 3, 4],
        decoder_hidden_size=16,
        num_labels=5,
        **overrides,
    )
    model = transformers.SegformerForSemanticSegmentation(config)
    generator = torch.Generator().manual_seed(7)
    norm = model.decode_head.batch_norm
    with torch.no_grad():
        norm.running_mean.copy_(torch.randn(norm.running_mean.shape, generator=generator))
        norm.running_var.copy_(0.5 + torch.rand(norm.running_var.shape, generator=generator))
    return model


def segformer_logits(hf, pixels: torch.Tensor) -> torch.Tensor:
    """transformers' logits (at 1/4 of the input) upsampled to the input size, as MetaGen's
    SegFormer gives them."""
    logits = hf(pixel_values=pixels).logits
    size = pixels.shape[-2:]
    return torch.nn.functional.interpolate(logits, size=size, mode="bilinear", align_corners=False)


def randomized(model, seed: int = 0, std: float = 0.3):
    """Every weight drawn afresh, wider than transformers' init (std 0.02) so that the MLPs'
    inputs reach the range where the GELU variants differ, norm scales around 1; in eval
    mode, as compared. CLIP keeps its initial temperature."""
    generator = torch.Generator().manual_seed(seed)
    norm_scales = {id(m.weight) for m in model.modules() if isinstance(m, torch.nn.LayerNorm)}
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name == "logit_scale":
                continue
            noise = torch.randn(param.shape, generator=generator)
            param.copy_(1 + 0.1 * noise if id(param) in norm_scales else std * noise)
    return model.eval()


def saved(model, folder: Path) -> Checkpoint:
    """The checkpoint folder transformers writes for `model`, read back."""
    model.save_pretrained(folder)
    return read_checkpoint(folder)


def mapped(arch: str, checkpoint: Checkpoint, mapping) -> torch.nn.Module:
    """MetaGen's model for the checkpoint, built from the mapping's dims, weights loaded."""
    dims = mapping.config_from_hf(checkpoint.config)
    model = build_from_dims(arch, dims)
    model.load_state_dict(mapping.state_dict_from_hf(checkpoint.tensors, dims))
    return model.eval()


def token_ids(batch: int, length: int, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(2, VOCAB - 2, (batch, length), generator=generator)


def images(batch: int, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 3, IMAGE_SIZE, IMAGE_SIZE, generator=generator)


def max_difference(a: torch.Tensor, b: torch.Tensor) -> float:
    assert a.shape == b.shape
    return float((a - b).abs().max())
