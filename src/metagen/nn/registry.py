"""The one registry of architectures: name -> (config dataclass, model class)."""

import dataclasses

import torch
from torch import nn

from metagen.nn.audio import AudioTransformer, AudioTransformerConfig
from metagen.nn.audio_lm import AudioLM, AudioLMConfig
from metagen.nn.clip import CLIP, ClipConfig
from metagen.nn.decoder_lm import DecoderLM, DecoderLMConfig
from metagen.nn.encoder_mlm import EncoderMLM, EncoderMLMConfig
from metagen.nn.hybrid_vit import HybridViT, HybridViTConfig
from metagen.nn.resnet import ResNet, ResNetConfig
from metagen.nn.unet import UNet, UNetConfig
from metagen.nn.video_cnn import VideoCNN, VideoCNNConfig
from metagen.nn.video_diffusion import VideoDenoiser, VideoDiffusionConfig
from metagen.nn.video_transformer import VideoTransformer, VideoTransformerConfig
from metagen.nn.vit import VisionTransformer, ViTConfig
from metagen.nn.vlm import VisionLanguageModel, VLMConfig

ARCHITECTURES: dict[str, tuple[type, type[nn.Module]]] = {
    "decoder_lm": (DecoderLMConfig, DecoderLM),
    "encoder_mlm": (EncoderMLMConfig, EncoderMLM),
    "vit": (ViTConfig, VisionTransformer),
    "resnet": (ResNetConfig, ResNet),
    "unet": (UNetConfig, UNet),
    "hybrid_vit": (HybridViTConfig, HybridViT),
    "audio_transformer": (AudioTransformerConfig, AudioTransformer),
    "audio_lm": (AudioLMConfig, AudioLM),
    "video_transformer": (VideoTransformerConfig, VideoTransformer),
    "video_cnn": (VideoCNNConfig, VideoCNN),
    "video_diffusion": (VideoDiffusionConfig, VideoDenoiser),
    "clip": (ClipConfig, CLIP),
    "vlm": (VLMConfig, VisionLanguageModel),
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
