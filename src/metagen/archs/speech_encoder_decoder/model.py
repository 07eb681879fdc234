"""Whisper-style speech recognizer: a log-mel audio encoder and a causal text decoder that
cross-attends to it, with learned positions and an output layer tied to the token embedding."""

from dataclasses import dataclass
from typing import cast

import torch
from torch import nn

from metagen.nn.attention import KVCache, empty_kv_caches
from metagen.nn.checks import check_positive
from metagen.nn.mlp import GeluMLP
from metagen.nn.speech_attention import SpeechAttention
from metagen.nn.speech_encoder import SpeechEncoderModel, check_speech_encoder, init_speech_weights


@dataclass
class SpeechEncoderDecoderConfig:
    sample_rate: int = 16000
    clip_samples: int = 480000  # the longest clip; sizes the encoder's position table
    n_fft: int = 400
    hop_length: int = 160
    n_mels: int = 80
    mel_scale: str = "slaney"  # Whisper's filterbank (librosa's default); or "htk"
    vocab_size: int = 259  # the byte tokenizer's; whisper_tiny keeps its 51,865 BPE rows
    n_text_ctx: int = 448  # decoder positions: start token, transcript, end token
    d_model: int = 384
    encoder_layers: int = 4
    decoder_layers: int = 4
    n_heads: int = 6
    d_ff: int = 1536
    bos_id: int = 256  # starts every transcript (the byte tokenizer's bos)
    eos_id: int = 257  # ends it
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_speech_encoder(self)
        check_positive(
            vocab_size=self.vocab_size,
            n_text_ctx=self.n_text_ctx,
            encoder_layers=self.encoder_layers,
            decoder_layers=self.decoder_layers,
        )
        for name in ("bos_id", "eos_id"):
            if not 0 <= getattr(self, name) < self.vocab_size:
                raise ValueError(
                    f"{name} ({getattr(self, name)}) must be below vocab_size ({self.vocab_size})"
                )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        waveform = 0.1 * torch.randn((batch_size, self.clip_samples), generator=generator)
        ids_shape = (batch_size, self.n_text_ctx)
        return {
            "waveform": waveform,
            "input_ids": torch.randint(self.vocab_size, ids_shape, generator=generator),
        }


class SpeechDecoderBlock(nn.Module):
    """Pre-norm: causal self-attention (KV cache), cross-attention to the audio, GELU MLP."""

    def __init__(self, config: SpeechEncoderDecoderConfig) -> None:
        super().__init__()
        c = config
        self.attention_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.attention = SpeechAttention(c.d_model, c.n_heads, dropout=c.dropout)
        self.cross_attention_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.cross_attention = SpeechAttention(c.d_model, c.n_heads, dropout=c.dropout)
        self.mlp_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.mlp = GeluMLP(c.d_model, c.d_ff, bias=True, dropout=c.dropout)

    def forward(
        self,
        x: torch.Tensor,
        audio_kv: tuple[torch.Tensor, torch.Tensor],
        kv_cache: KVCache | None = None,
    ) -> torch.Tensor:
        x = x + self.attention(self.attention_norm(x), causal=True, kv_cache=kv_cache)
        x = x + self.cross_attention(self.cross_attention_norm(x), audio_kv)
        x = x + self.mlp(self.mlp_norm(x))
        return x


class SpeechEncoderDecoder(SpeechEncoderModel):
    """waveform (B, N) and input_ids (B, T) (start token + transcript) -> logits (B, T, V)."""

    def __init__(self, config: SpeechEncoderDecoderConfig) -> None:
        super().__init__(config, config.encoder_layers)
        c = config
        self.config = c
        self.token_embedding = nn.Embedding(c.vocab_size, c.d_model)
        self.position_embedding = nn.Embedding(c.n_text_ctx, c.d_model)
        self.blocks = nn.ModuleList(SpeechDecoderBlock(c) for _ in range(c.decoder_layers))
        self.final_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.lm_head = nn.Linear(c.d_model, c.vocab_size, bias=False)
        self.lm_head.weight = self.token_embedding.weight  # tied, as in Whisper
        self.apply(init_speech_weights)

    def get_num_params(self) -> int:
        """Parameters, the tied output layer counted once and the frozen positions included."""
        return sum(p.numel() for p in self.parameters())

    def audio_kvs(self, audio: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Cross-attention keys and values of the encoder states, one pair per decoder block."""
        blocks = cast(list[SpeechDecoderBlock], list(self.blocks))
        return [block.cross_attention.project_kv(audio) for block in blocks]

    def decode(
        self,
        input_ids: torch.Tensor,
        audio_kvs: list[tuple[torch.Tensor, torch.Tensor]],
        kv_caches: list[KVCache] | None = None,
    ) -> torch.Tensor:
        """Decoder features (B, T, C) of input_ids, placed after the cached positions if any."""
        T = input_ids.size(1)
        start = kv_caches[0].length if kv_caches else 0
        if start + T > self.config.n_text_ctx:
            raise ValueError(f"{start + T} positions exceed n_text_ctx ({self.config.n_text_ctx})")
        positions = torch.arange(start, start + T, device=input_ids.device)  # (T,)
        x = self.token_embedding(input_ids) + self.position_embedding(positions)  # (B, T, C)
        x = self.dropout(x)
        for i, block in enumerate(self.blocks):
            x = block(x, audio_kvs[i], kv_caches[i] if kv_caches else None)
        return self.final_norm(x)

    def forward_features(self, waveform: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        return self.decode(input_ids, self.audio_kvs(self.encode(waveform)))

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.lm_head(features)  # (B, T, V)

    def forward(self, waveform: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(waveform, input_ids))

    def new_kv_caches(self, batch_size: int, max_len: int) -> list[KVCache]:
        """One empty self-attention cache per decoder block, on the model's device and dtype."""
        c = self.config
        return empty_kv_caches(
            c.decoder_layers,
            batch_size,
            c.n_heads,
            max_len,
            c.d_model // c.n_heads,
            self.lm_head.weight,
        )

    @torch.no_grad()
    def generate(self, waveform: torch.Tensor, max_new_tokens: int) -> torch.Tensor:
        """Greedy decoding with a KV cache: (B, L) token ids after the start token, L <=
        max_new_tokens; a row that has emitted eos_id continues with eos_id. The audio's
        cross-attention keys and values are computed once."""
        c = self.config
        steps = min(max_new_tokens, c.n_text_ctx - 1)
        if steps < 1:
            raise ValueError(f"max_new_tokens must be positive, got {max_new_tokens}")
        batch = waveform.size(0)
        audio_kvs = self.audio_kvs(self.encode(waveform))
        kv_caches = self.new_kv_caches(batch, 1 + steps)
        tokens = torch.full((batch, 1 + steps), c.eos_id, dtype=torch.long, device=waveform.device)
        tokens[:, 0] = c.bos_id
        done = torch.zeros(batch, dtype=torch.bool, device=waveform.device)
        for t in range(1, 1 + steps):
            pending = tokens[:, t - 1 : t]  # the one token not yet in the cache
            logits = self.forward_head(self.decode(pending, audio_kvs, kv_caches))[:, -1]
            next_ids = torch.where(done, c.eos_id, logits.float().argmax(dim=-1))  # (B,)
            tokens[:, t] = next_ids
            done |= next_ids == c.eos_id
            if bool(done.all()):
                return tokens[:, 1 : t + 1]
        return tokens[:, 1:]

    def transcribe(self, waveform: torch.Tensor, max_tokens: int) -> list[list[int]]:
        """Each clip's transcript as token ids, greedy, without the start and end tokens."""
        rows = self.generate(waveform, max_tokens + 1).tolist()  # room for the end token
        return [
            row[: row.index(self.config.eos_id)] if self.config.eos_id in row else row
            for row in rows
        ]
