"""CTC speech recognizer: the Whisper-style audio encoder and a linear head that scores every
token, and a blank, at each encoder position (Graves et al. 2006)."""

from dataclasses import dataclass

import torch
from torch import nn

from metagen.nn.checks import check_positive
from metagen.nn.speech_encoder import SpeechEncoderModel, check_speech_encoder, init_speech_weights


@dataclass
class SpeechCTCConfig:
    sample_rate: int = 16000
    clip_samples: int = 160000  # the longest clip; sizes the encoder's position table
    n_fft: int = 400
    hop_length: int = 160
    n_mels: int = 80
    mel_scale: str = "slaney"  # Whisper's filterbank (librosa's default); or "htk"
    vocab_size: int = 259  # the byte tokenizer's ids; the last (its pad) is the CTC blank
    d_model: int = 384
    n_layers: int = 6
    n_heads: int = 6
    d_ff: int = 1536
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_speech_encoder(self)
        check_positive(vocab_size=self.vocab_size, n_layers=self.n_layers)
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


class SpeechCTC(SpeechEncoderModel):
    """waveform (B, N) -> logits (B, S, vocab_size), one row per encoder position."""

    def __init__(self, config: SpeechCTCConfig) -> None:
        super().__init__(config, config.n_layers)
        self.config = config
        self.ctc_head = nn.Linear(config.d_model, config.vocab_size)
        self.apply(init_speech_weights)

    def get_num_params(self) -> int:
        """Parameters, the frozen positions included."""
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, waveform: torch.Tensor) -> torch.Tensor:
        return self.encode(waveform)  # (B, S, C)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.ctc_head(features)  # (B, S, vocab_size)

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(waveform))

    @torch.no_grad()
    def transcribe(self, waveform: torch.Tensor, max_tokens: int) -> list[list[int]]:
        """Each clip's transcript as token ids (greedy CTC), at most max_tokens of them."""
        paths = ctc_greedy_decode(self(waveform=waveform).float())
        return [path[:max_tokens] for path in paths]
