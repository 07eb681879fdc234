"""Audio transformer classifier: log-mel frontend, conv stem over frames, a transformer with
temporal attention, mean-pooled head (AST / Whisper-encoder style)."""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from metagen.nn.audio_frontend import LogMelSpectrogram, audio_tokens, check_audio_frontend
from metagen.nn.checks import check_positive
from metagen.nn.encoder import check_encoder_shape, encoder_from_config
from metagen.nn.patch_embedding import init_vit_tokens
from metagen.nn.weight_init import init_transformer_weights


class AudioStem(nn.Module):
    """Two convs over frames (the second with stride 2) and a learned position table."""

    def __init__(self, n_mels: int, d_model: int, max_tokens: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(n_mels, d_model, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(d_model, d_model, kernel_size=3, stride=2, padding=1)
        self.pos_embedding = nn.Parameter(torch.zeros(1, max_tokens, d_model))

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = F.gelu(self.conv1(mel))  # (B, C, frames)
        x = F.gelu(self.conv2(x))  # (B, C, T)
        x = x.transpose(1, 2)  # (B, T, C)
        if x.size(1) > self.pos_embedding.size(1):
            raise ValueError(
                f"{x.size(1)} audio tokens exceed the position table "
                f"({self.pos_embedding.size(1)}); pass clips no longer than the configured one"
            )
        return x + self.pos_embedding[:, : x.size(1)]


def init_audio_weights(module: nn.Module) -> None:
    """The ViT's init, embedding tables included, and the stem's positions as the ViT's."""
    if isinstance(module, AudioStem):
        init_vit_tokens(module.pos_embedding)
    else:
        init_transformer_weights(module, truncated=True, embeddings=True)


@dataclass
class AudioTransformerConfig:
    sample_rate: int = 16000
    clip_samples: int = 16000  # the clip length; sizes the position table
    n_fft: int = 1024
    hop_length: int = 256
    n_mels: int = 80
    d_model: int = 384
    n_layers: int = 6
    n_heads: int = 6
    d_ff: int = 1536
    num_classes: int = 12
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_audio_frontend(
            self.sample_rate, self.clip_samples, self.n_fft, self.hop_length, self.n_mels
        )
        check_positive(
            num_classes=self.num_classes,
        )
        check_encoder_shape(self)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.clip_samples)
        return {"waveform": 0.1 * torch.randn(shape, generator=generator)}


class AudioTransformer(nn.Module):
    """waveform (B, N) -> logits (B, num_classes); `encode_audio` gives unit-length pooled
    features, an audio embedding."""

    def __init__(self, config: AudioTransformerConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        self.frontend = LogMelSpectrogram(c.sample_rate, c.n_fft, c.hop_length, c.n_mels)
        self.stem = AudioStem(c.n_mels, c.d_model, audio_tokens(c.clip_samples, c.hop_length))
        self.dropout = nn.Dropout(c.dropout)
        self.blocks = encoder_from_config(c)
        self.final_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.head = nn.Linear(c.d_model, c.num_classes)
        self.apply(init_audio_weights)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, waveform: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.stem(self.frontend(waveform)))  # (B, T, C)
        return self.final_norm(self.blocks(x))  # (B, T, C)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(features.mean(dim=1))  # (B, num_classes)

    def encode_audio(self, waveform: torch.Tensor) -> torch.Tensor:
        """Unit-length audio embeddings (B, d_model): the mean over time the head reads."""
        return F.normalize(self.forward_features(waveform).mean(dim=1), dim=-1)

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(waveform))
