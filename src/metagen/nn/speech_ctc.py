"""CTC speech recognizer: the Whisper-style audio encoder and a linear head that scores every
token, and a blank, at each encoder position (Graves et al. 2006)."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.speech_encoder import SpeechEncoderBlock, SpeechStem, init_speech_weights
from metagen.nn.speech_frontend import SpeechLogMel, check_speech_frontend, speech_tokens


@dataclass
class SpeechCTCConfig:
    sample_rate: int = 16000
    clip_samples: int = 160000  # the longest clip; sizes the encoder's position table
    n_fft: int = 400
    hop_length: int = 160
    n_mels: int = 80
    vocab_size: int = 259  # the byte tokenizer's ids; the last (its pad) is the CTC blank
    d_model: int = 384
    n_layers: int = 6
    n_heads: int = 6
    d_ff: int = 1536
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_speech_frontend(
            self.sample_rate, self.clip_samples, self.n_fft, self.hop_length, self.n_mels
        )
        check_positive(
            vocab_size=self.vocab_size,
            d_model=self.d_model,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            d_ff=self.d_ff,
            norm_eps=self.norm_eps,
        )
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_dropout(self.dropout)
        if self.vocab_size < 2:
            raise ValueError(
                f"vocab_size ({self.vocab_size}) must be at least 2: tokens and a blank"
            )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        return {"waveform": 0.1 * torch.randn((batch_size, self.clip_samples), generator=generator)}


def ctc_greedy_decode(logits: torch.Tensor) -> list[list[int]]:
    """Best path: the top class at each position, repeats merged, then blanks (the last
    class) dropped."""
    blank_id = logits.size(-1) - 1
    best = logits.argmax(dim=-1)  # (B, S)
    keep = torch.ones_like(best, dtype=torch.bool)
    keep[:, 1:] = best[:, 1:] != best[:, :-1]  # the first of each run
    keep &= best != blank_id
    return [row[mask].tolist() for row, mask in zip(best.cpu(), keep.cpu(), strict=True)]


class SpeechCTC(nn.Module):
    """waveform (B, N) -> logits (B, S, vocab_size), one row per encoder position."""

    def __init__(self, config: SpeechCTCConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        self.frontend = SpeechLogMel(c.sample_rate, c.n_fft, c.hop_length, c.n_mels)
        self.stem = SpeechStem(c.n_mels, c.d_model, speech_tokens(c.clip_samples, c.hop_length))
        self.dropout = nn.Dropout(c.dropout)
        self.encoder_blocks = nn.ModuleList(
            SpeechEncoderBlock(c.d_model, c.n_heads, c.d_ff, norm_eps=c.norm_eps, dropout=c.dropout)
            for _ in range(c.n_layers)
        )
        self.encoder_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.ctc_head = nn.Linear(c.d_model, c.vocab_size)
        self.apply(init_speech_weights)

    def get_num_params(self) -> int:
        """Parameters, the frozen positions included."""
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, waveform: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.stem(self.frontend(waveform)))  # (B, S, C)
        for block in self.encoder_blocks:
            x = block(x)
        return self.encoder_norm(x)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.ctc_head(features)  # (B, S, vocab_size)

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(waveform))

    @torch.no_grad()
    def transcribe(self, waveform: torch.Tensor, max_tokens: int) -> list[list[int]]:
        """Each clip's transcript as token ids (greedy CTC), at most max_tokens of them."""
        paths = ctc_greedy_decode(self(waveform=waveform).float())
        return [path[:max_tokens] for path in paths]
