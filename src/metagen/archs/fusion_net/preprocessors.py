"""The fusion system's preprocessors: each modality's raw input to a sequence of `d`-wide
tokens with learned positions (the fusion guide's preprocessors, small):

- image (B, C, H, W): two stride-2 stages, "simple" (conv-BN-ReLU), "resnet" (a conv-BN-ReLU
  stem, then archs/resnet's basic block) or "efficient" (a conv stem, then a depthwise-separable
  conv); each position of the H/4 x W/4 map a token;
- text (B, L) byte ids: an embedding (the 256 bytes and a padding id 256);
- audio (B, samples): a log-mel spectrogram (nn/audio_frontend.py), then a Conv1d of stride 2
  over its frames;
- sensor (B, channels, steps): two Conv1d of stride 2 (kernels 5 and 3) with GELU;
- tabular (B, features): one token per feature, x_i * w_i + b_i (FT-Transformer's numeric
  tokenizer);
- video (B, C, T, H, W): two 3-D conv-BN-ReLU stages (the first strides space, the second
  space and time), averaged over space: a token per time step, so that video is a time-based
  input that align resamples.

Each returns (tokens (B, T, d), padding (B, T) bool or None); only text pads (id 256)."""

import torch
from torch import nn

from metagen.archs.resnet.model import BasicBlock
from metagen.nn.audio_frontend import LogMelSpectrogram, audio_tokens
from metagen.nn.checks import check_choice

VISION_KINDS = ("simple", "resnet", "efficient")
TEXT_PAD = 256  # the byte vocabulary's padding id
AUDIO_N_FFT, AUDIO_HOP = 400, 160  # 25 ms windows, 10 ms hops at 16 kHz (Whisper's)


def conv_bn_relu(c_in: int, c_out: int, stride: int, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride, 1, groups=groups, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
    )


class ImageTokens(nn.Module):
    def __init__(self, kind: str, channels: int, image_size: int, d: int) -> None:
        super().__init__()
        check_choice("vision", kind, VISION_KINDS)
        stem = conv_bn_relu(channels, d // 2, 2)
        if kind == "simple":
            second: nn.Module = conv_bn_relu(d // 2, d, 2)
        elif kind == "resnet":
            second = BasicBlock(d // 2, d, stride=2)
        else:  # depthwise 3x3 at stride 2, then a pointwise 1x1 (MobileNet's separable conv)
            second = nn.Sequential(conv_bn_relu(d // 2, d // 2, 2, groups=d // 2),
                                   nn.Conv2d(d // 2, d, 1, bias=False), nn.BatchNorm2d(d),
                                   nn.ReLU())  # fmt: skip
        self.stages = nn.Sequential(stem, second)
        side = image_tokens_side(image_size)
        self.position = nn.Parameter(torch.zeros(1, side * side, d))

    def forward(self, images: torch.Tensor):
        return self.stages(images).flatten(2).transpose(1, 2) + self.position, None


def image_tokens_side(image_size: int) -> int:
    """The token map's side after two stride-2 convs of kernel 3 and padding 1."""
    for _ in range(2):
        image_size = (image_size - 1) // 2 + 1
    return image_size


class TextTokens(nn.Module):
    def __init__(self, max_len: int, d: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(TEXT_PAD + 1, d, padding_idx=TEXT_PAD)
        self.position = nn.Parameter(torch.zeros(1, max_len, d))

    def forward(self, ids: torch.Tensor):
        return self.embedding(ids) + self.position[:, : ids.shape[1]], ids == TEXT_PAD


class AudioTokens(nn.Module):
    def __init__(self, sample_rate: int, n_mels: int, samples: int, d: int) -> None:
        super().__init__()
        self.mel = LogMelSpectrogram(sample_rate, AUDIO_N_FFT, AUDIO_HOP, n_mels)
        self.conv = nn.Conv1d(n_mels, d, 3, 2, 1)
        self.position = nn.Parameter(torch.zeros(1, audio_tokens(samples, AUDIO_HOP), d))

    def forward(self, waveform: torch.Tensor):
        frames = torch.nn.functional.gelu(self.conv(self.mel(waveform)))  # (B, d, T)
        return frames.transpose(1, 2) + self.position, None


class SensorTokens(nn.Module):
    def __init__(self, channels: int, steps: int, d: int) -> None:
        super().__init__()
        self.convs = nn.Sequential(nn.Conv1d(channels, d, 5, 2, 2), nn.GELU(),
                                   nn.Conv1d(d, d, 3, 2, 1), nn.GELU())  # fmt: skip
        self.position = nn.Parameter(torch.zeros(1, sensor_tokens(steps), d))

    def forward(self, readings: torch.Tensor):
        return self.convs(readings).transpose(1, 2) + self.position, None


def sensor_tokens(steps: int) -> int:
    """After convs of kernel 5 (pad 2) and 3 (pad 1), both stride 2."""
    steps = (steps - 1) // 2 + 1
    return (steps - 1) // 2 + 1


class VideoTokens(nn.Module):
    def __init__(self, channels: int, frames: int, d: int) -> None:
        super().__init__()
        self.stages = nn.Sequential(
            nn.Conv3d(channels, d // 2, 3, (1, 2, 2), 1, bias=False), nn.BatchNorm3d(d // 2),
            nn.ReLU(), nn.Conv3d(d // 2, d, 3, 2, 1, bias=False), nn.BatchNorm3d(d), nn.ReLU(),
        )  # fmt: skip
        self.position = nn.Parameter(torch.zeros(1, (frames - 1) // 2 + 1, d))

    def forward(self, clips: torch.Tensor):
        return self.stages(clips).mean((-2, -1)).transpose(1, 2) + self.position, None


class TabularTokens(nn.Module):
    def __init__(self, num_features: int, d: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(num_features, d) * d**-0.5)
        self.bias = nn.Parameter(torch.zeros(num_features, d))

    def forward(self, features: torch.Tensor):
        return features.unsqueeze(-1) * self.weight + self.bias, None
