"""CLIP's named variant: OpenAI CLIP ViT-B/32 (Radford et al. 2021)."""

from __future__ import annotations

from metagen.blueprint.catalog import Variant

# OpenAI CLIP ViT-B/32 (Radford et al. 2021). The vocabulary keeps CLIP's 49,408 BPE rows
# for the published count, although MetaGen's byte tokenizer uses only the first 259.
_CLIP_VIT_B_32 = {
    "image_size": 224,
    "patch_size": 32,
    "in_channels": 3,
    "vision_d_model": 768,
    "vision_n_layers": 12,
    "vision_n_heads": 12,
    "vision_d_ff": 3072,
    "vision_stem_channels": [],
    "vocab_size": 49408,
    "context_length": 77,
    "text_d_model": 512,
    "text_n_layers": 12,
    "text_n_heads": 8,
    "text_d_ff": 2048,
    "embed_dim": 512,
    "eot_id": 257,
    "activation": "quick_gelu",  # x * sigmoid(1.702 x) in both towers, as OpenAI trained it
    "norm_eps": 1e-5,
    "dropout": 0.0,
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "clip_vit_b_32",
        "clip",
        "transformer",
        _CLIP_VIT_B_32,
        151_277_313,
        "Radford et al. 2021, OpenAI CLIP ViT-B/32 (both towers, projections and logit_scale)",
    ),
)
