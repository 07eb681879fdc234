"""The one registry of architectures: name -> (config dataclass, model class)."""

import dataclasses

import torch
from torch import nn

from metagen.nn.decoder_lm import DecoderLM, DecoderLMConfig
from metagen.nn.resnet import ResNet, ResNetConfig
from metagen.nn.vit import VisionTransformer, ViTConfig

ARCHITECTURES: dict[str, tuple[type, type[nn.Module]]] = {
    "decoder_lm": (DecoderLMConfig, DecoderLM),
    "vit": (ViTConfig, VisionTransformer),
    "resnet": (ResNetConfig, ResNet),
}


def config_from_dims(arch: str, dims: dict):
    """The config dataclass of `arch`, filled from dims (exactly its fields; defaults for the rest)."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown arch {arch!r}; known: {sorted(ARCHITECTURES)}")
    config_cls = ARCHITECTURES[arch][0]
    fields = {f.name for f in dataclasses.fields(config_cls)}
    unknown = sorted(set(dims) - fields)
    if unknown:
        raise ValueError(f"unknown {arch} dims {unknown}; accepted: {sorted(fields)}")
    return config_cls(**dims)


def build_from_dims(arch: str, dims: dict) -> nn.Module:
    """Build the model of `arch` from its dims; use `with torch.device("meta"):` to skip memory."""
    config = config_from_dims(arch, dims)
    return ARCHITECTURES[arch][1](config)


def example_inputs_for(arch: str, dims: dict, batch_size: int) -> dict[str, torch.Tensor]:
    """Deterministic keyword inputs for the model's forward (seed 0, on the CPU)."""
    generator = torch.Generator().manual_seed(0)
    return config_from_dims(arch, dims).example_inputs(batch_size, generator)
