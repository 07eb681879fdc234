"""Whisper's audio encoder parts: a conv stem over log-mel frames with fixed sinusoidal
positions, and pre-norm transformer blocks with Whisper's attention biases."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.mlp import GeluMLP
from metagen.nn.speech_attention import SpeechAttention


def speech_sinusoids(length: int, channels: int, max_timescale: float = 10000.0) -> torch.Tensor:
    """Whisper's position table (length, channels): sines then cosines of geometrically
    spaced timescales from 1 to max_timescale."""
    if channels % 2 or channels < 4:
        raise ValueError(f"sinusoidal positions need an even d_model of at least 4, got {channels}")
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-increment * torch.arange(channels // 2, dtype=torch.float32))
    scaled = torch.arange(length, dtype=torch.float32)[:, None] * inv_timescales[None, :]
    return torch.cat([torch.sin(scaled), torch.cos(scaled)], dim=1)  # (length, channels)


class SpeechStem(nn.Module):
    """Two convs over frames, GELU after each (the second with stride 2), plus sinusoidal
    positions. The table is a frozen parameter, as in Hugging Face's Whisper (OpenAI's keeps
    it as a buffer): counted in the published 37,760,640 of whisper-tiny, never trained."""

    def __init__(self, n_mels: int, d_model: int, max_tokens: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(n_mels, d_model, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(d_model, d_model, kernel_size=3, stride=2, padding=1)
        table = speech_sinusoids(max_tokens, d_model)
        self.positions = nn.Parameter(table, requires_grad=False)  # (max_tokens, C)

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = F.gelu(self.conv1(mel))  # (B, C, frames)
        x = F.gelu(self.conv2(x))  # (B, C, T)
        x = x.transpose(1, 2)  # (B, T, C)
        if x.size(1) > self.positions.size(0):
            raise ValueError(
                f"{x.size(1)} audio positions exceed the encoder's {self.positions.size(0)}; "
                "pass clips no longer than the configured clip_samples"
            )
        return x + self.positions[: x.size(1)].to(x.dtype)


class SpeechEncoderBlock(nn.Module):
    """Pre-norm: bidirectional self-attention across time, then the GELU MLP."""

    def __init__(
        self, d_model: int, n_heads: int, d_ff: int, *, norm_eps: float, dropout: float
    ) -> None:
        super().__init__()
        self.attention_norm = nn.LayerNorm(d_model, eps=norm_eps)
        self.attention = SpeechAttention(d_model, n_heads, dropout=dropout)
        self.mlp_norm = nn.LayerNorm(d_model, eps=norm_eps)
        self.mlp = GeluMLP(d_model, d_ff, bias=True, dropout=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.attention_norm(x))
        x = x + self.mlp(self.mlp_norm(x))
        return x


def init_speech_weights(module: nn.Module) -> None:
    # He init for the stem's convs: with PyTorch's default (a third of the variance) the audio
    # features start about 10x below the unit-scale sinusoids they are added to, and small
    # models learned to read the audio only after many more steps.
    if isinstance(module, nn.Conv1d):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)
