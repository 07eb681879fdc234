"""The one weight init of the transformer models (`model.apply`): normal linear weights with
std 0.02 and zero biases, as GPT-2, BERT, ViT and CLIP start."""

import math

from torch import nn


def init_transformer_weights(
    module: nn.Module, *, truncated: bool = False, embeddings: bool = False, std: float = 0.02
) -> None:
    """Linear weights ~ N(0, std^2), drawn with trunc_normal_ where `truncated` (timm's ViT);
    biases zero; with `embeddings`, embedding tables ~ N(0, std^2) too (GPT-2, BERT)."""
    if isinstance(module, nn.Linear):
        draw = nn.init.trunc_normal_ if truncated else nn.init.normal_
        draw(module.weight, std=std)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif embeddings and isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=std)


def scale_residual_projections(model: nn.Module, n_layers: int, std: float = 0.02) -> None:
    """GPT-2: the projections that write into the residual stream (each `out_proj` in
    model.blocks) ~ N(0, (std / sqrt(2 * n_layers))^2)."""
    for name, p in model.named_parameters():
        if name.startswith("blocks.") and name.endswith("out_proj.weight"):
            nn.init.normal_(p, mean=0.0, std=std / math.sqrt(2 * n_layers))
