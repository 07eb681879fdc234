"""Whisper's audio encoder: a conv stem over log-mel frames with fixed sinusoidal positions,
pre-norm transformer blocks with Whisper's attention biases, and the encoder half that both
speech models (CTC, encoder-decoder) begin with."""

import math
from typing import Protocol

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.audio_frontend import MEL_SCALES
from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.encoder import EncoderStack
from metagen.nn.mlp import GeluMLP
from metagen.nn.speech_attention import SpeechAttention
from metagen.nn.speech_frontend import SpeechLogMel, check_speech_frontend, speech_tokens
from metagen.nn.weight_init import init_transformer_weights


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
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    else:
        init_transformer_weights(module, truncated=True, embeddings=True)


class SpeechEncoderFields(Protocol):
    """The fields of a speech model's config that shape its audio encoder."""

    sample_rate: int
    clip_samples: int
    n_fft: int
    hop_length: int
    n_mels: int
    mel_scale: str
    d_model: int
    n_heads: int
    d_ff: int
    norm_eps: float
    dropout: float


def check_speech_encoder(config: SpeechEncoderFields) -> None:
    c = config
    check_speech_frontend(c.sample_rate, c.clip_samples, c.n_fft, c.hop_length, c.n_mels)
    check_choice("mel_scale", c.mel_scale, MEL_SCALES)
    check_positive(d_model=c.d_model, n_heads=c.n_heads, d_ff=c.d_ff, norm_eps=c.norm_eps)
    check_divisible("d_model", c.d_model, "n_heads", c.n_heads)
    check_dropout(c.dropout)


class SpeechEncoderModel(nn.Module):
    """A speech model's audio half (Whisper's encoder): log-mel frontend, conv stem with
    sinusoids, n_layers pre-norm blocks, final norm. A model adds its head or decoder, then
    applies `init_speech_weights`."""

    def __init__(self, config: SpeechEncoderFields, n_layers: int) -> None:
        super().__init__()
        c = config
        self.frontend = SpeechLogMel(
            c.sample_rate, c.n_fft, c.hop_length, c.n_mels, mel_scale=c.mel_scale
        )
        self.stem = SpeechStem(c.n_mels, c.d_model, speech_tokens(c.clip_samples, c.hop_length))
        self.dropout = nn.Dropout(c.dropout)
        self.encoder_blocks = EncoderStack(
            SpeechEncoderBlock(c.d_model, c.n_heads, c.d_ff, norm_eps=c.norm_eps, dropout=c.dropout)
            for _ in range(n_layers)
        )
        self.encoder_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)

    def encode(self, waveform: torch.Tensor) -> torch.Tensor:
        """The clip (B, N) as encoder states (B, S, C)."""
        return self.encode_mel(self.frontend(waveform))

    def encode_mel(self, mel: torch.Tensor) -> torch.Tensor:
        """Log-mel frames (B, n_mels, frames), as the frontend gives them, as encoder states
        (B, S, C): the way in for features computed elsewhere (Whisper's feature extractor)."""
        x = self.dropout(self.stem(mel))  # (B, S, C)
        return self.encoder_norm(self.encoder_blocks(x))
