"""The one registry of architectures: name -> (config dataclass, model class)."""

import dataclasses

import torch
from torch import nn

from metagen.nn.anomaly_autoencoder import AnomalyAutoencoder, AnomalyAutoencoderConfig
from metagen.nn.audio import AudioTransformer, AudioTransformerConfig
from metagen.nn.audio_lm import AudioLM, AudioLMConfig
from metagen.nn.clip import CLIP, ClipConfig
from metagen.nn.condinst import CondInstConfig, CondInstSegmenter
from metagen.nn.decoder_lm import DecoderLM, DecoderLMConfig
from metagen.nn.detr import DETR, DetrConfig
from metagen.nn.encoder_mlm import EncoderMLM, EncoderMLMConfig
from metagen.nn.forecast_mlp import DLinear, DLinearConfig, NBeats, NBeatsConfig
from metagen.nn.forecast_patchtst import PatchTST, PatchTSTConfig
from metagen.nn.forecast_rnn import RNNForecaster, RNNForecasterConfig
from metagen.nn.forecast_tft import TemporalFusionTransformer, TFTConfig
from metagen.nn.hybrid_vit import HybridViT, HybridViTConfig
from metagen.nn.resnet import ResNet, ResNetConfig
from metagen.nn.seg_unet import SegUNet, SegUNetConfig
from metagen.nn.segformer import SegFormer, SegFormerConfig
from metagen.nn.sequence_tagger import SequenceTagger, SequenceTaggerConfig
from metagen.nn.series_cnn import SeriesCNN, SeriesCNNConfig
from metagen.nn.speech_ctc import SpeechCTC, SpeechCTCConfig
from metagen.nn.speech_seq2seq import SpeechSeq2Seq, SpeechSeq2SeqConfig
from metagen.nn.tabular_mlp import TabularMLP, TabularMLPConfig
from metagen.nn.text_encoder import TextEncoder, TextEncoderConfig
from metagen.nn.unet import UNet, UNetConfig
from metagen.nn.video_cnn import VideoCNN, VideoCNNConfig
from metagen.nn.video_diffusion import VideoDenoiser, VideoDiffusionConfig
from metagen.nn.video_transformer import VideoTransformer, VideoTransformerConfig
from metagen.nn.vit import VisionTransformer, ViTConfig
from metagen.nn.vlm import VisionLanguageModel, VLMConfig
from metagen.nn.yolo import YoloConfig, YoloDetector

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
    "yolo": (YoloConfig, YoloDetector),
    "detr": (DetrConfig, DETR),
    "condinst": (CondInstConfig, CondInstSegmenter),
    "tabular_mlp": (TabularMLPConfig, TabularMLP),
    "text_encoder": (TextEncoderConfig, TextEncoder),
    "series_cnn": (SeriesCNNConfig, SeriesCNN),
    "tft": (TFTConfig, TemporalFusionTransformer),
    "patchtst": (PatchTSTConfig, PatchTST),
    "rnn_forecaster": (RNNForecasterConfig, RNNForecaster),
    "dlinear": (DLinearConfig, DLinear),
    "nbeats": (NBeatsConfig, NBeats),
    "anomaly_autoencoder": (AnomalyAutoencoderConfig, AnomalyAutoencoder),
    "sequence_tagger": (SequenceTaggerConfig, SequenceTagger),
    "seg_unet": (SegUNetConfig, SegUNet),
    "segformer": (SegFormerConfig, SegFormer),
    "speech_encoder_decoder": (SpeechSeq2SeqConfig, SpeechSeq2Seq),
    "speech_ctc": (SpeechCTCConfig, SpeechCTC),
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
