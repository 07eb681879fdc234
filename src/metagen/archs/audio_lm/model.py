"""Audio language model: a spectrogram encoder reads a prompt clip; a causal transformer
decoder, cross-attending to it, predicts the continuation one mu-law sample at a time."""

from dataclasses import dataclass
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from metagen.archs.audio_transformer.model import AudioStem, init_audio_weights
from metagen.nn.attention import CausalSelfAttention, KVCache
from metagen.nn.audio_frontend import LogMelSpectrogram, audio_tokens, check_audio_frontend
from metagen.nn.checks import check_divisible, check_dropout, check_positive
from metagen.nn.encoder import transformer_encoder
from metagen.nn.generation import decoder_kv_caches, generate_with_kv_cache, next_positions
from metagen.nn.mlp import SwiGLU
from metagen.nn.norm import RMSNorm
from metagen.nn.rope import rope_cos_sin
from metagen.nn.weight_init import scale_residual_projections


@dataclass
class AudioLMConfig:
    sample_rate: int = 16000
    prompt_samples: int = 16000  # the prompt clip's length; sizes the encoder's position table
    n_fft: int = 1024
    hop_length: int = 256
    n_mels: int = 80
    n_levels: int = 256  # mu-law levels; token n_levels starts a sequence
    context_length: int = 4096  # decoder positions (samples); sizes the RoPE cache
    d_model: int = 512
    encoder_layers: int = 2
    encoder_d_ff: int = 2048  # GELU MLP of the encoder
    n_layers: int = 8  # decoder layers
    n_heads: int = 8
    n_kv_heads: int = 8  # fewer than n_heads is grouped-query attention in the decoder
    d_ff: int = 1408  # SwiGLU MLP of the decoder
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_audio_frontend(
            self.sample_rate, self.prompt_samples, self.n_fft, self.hop_length, self.n_mels
        )
        check_positive(
            n_levels=self.n_levels,
            context_length=self.context_length,
            d_model=self.d_model,
            encoder_layers=self.encoder_layers,
            encoder_d_ff=self.encoder_d_ff,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            n_kv_heads=self.n_kv_heads,
            d_ff=self.d_ff,
            rope_theta=self.rope_theta,
            norm_eps=self.norm_eps,
        )
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_divisible("n_heads", self.n_heads, "n_kv_heads", self.n_kv_heads)
        check_dropout(self.dropout)
        if (self.d_model // self.n_heads) % 2:
            raise ValueError(
                f"rope needs an even head_dim, got d_model ({self.d_model}) / "
                f"n_heads ({self.n_heads}) = {self.d_model // self.n_heads}"
            )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        prompt = 0.1 * torch.randn((batch_size, self.prompt_samples), generator=generator)
        ids_shape = (batch_size, min(self.context_length, 64))
        input_ids = torch.randint(self.n_levels + 1, ids_shape, generator=generator)
        return {"prompt": prompt, "input_ids": input_ids}


class AudioCrossAttention(nn.Module):
    """Queries from the decoder, keys and values from the encoder's output (no mask)."""

    def __init__(self, d_model: int, n_heads: int, *, dropout: float) -> None:
        super().__init__()
        check_divisible("d_model", d_model, "n_heads", n_heads)
        self.n_heads = n_heads
        self.dropout = dropout
        self.q_proj = nn.Linear(d_model, d_model, bias=False)
        self.kv_proj = nn.Linear(d_model, 2 * d_model, bias=False)
        self.out_proj = nn.Linear(d_model, d_model, bias=False)
        self.resid_dropout = nn.Dropout(dropout)

    def memory_kv(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Keys and values of the encoder output (B, S, C), each (B, nh, S, hs): computed once
        per prompt, reused for every decoded position."""
        B, S, C = memory.size()
        k, v = self.kv_proj(memory).split(C, dim=-1)
        k = k.view(B, S, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, S, hs)
        v = v.view(B, S, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, S, hs)
        return k, v

    def forward(self, x: torch.Tensor, kv: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        B, T, C = x.size()
        q = self.q_proj(x).view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)
        dropout_p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, *kv, dropout_p=dropout_p)  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.resid_dropout(self.out_proj(y))


class AudioDecoderBlock(nn.Module):
    """Pre-norm: causal self-attention, cross-attention to the prompt, SwiGLU MLP."""

    def __init__(self, config: AudioLMConfig) -> None:
        super().__init__()
        c = config
        self.norm1 = RMSNorm(c.d_model, eps=c.norm_eps)
        self.self_attention = CausalSelfAttention(
            c.d_model, c.n_heads, c.n_kv_heads, bias=False, dropout=c.dropout
        )
        self.norm2 = RMSNorm(c.d_model, eps=c.norm_eps)
        self.cross_attention = AudioCrossAttention(c.d_model, c.n_heads, dropout=c.dropout)
        self.norm3 = RMSNorm(c.d_model, eps=c.norm_eps)
        self.mlp = SwiGLU(c.d_model, c.d_ff, bias=False, dropout=c.dropout)

    def forward(
        self,
        x: torch.Tensor,
        memory_kv: tuple[torch.Tensor, torch.Tensor],
        rope: tuple[torch.Tensor, torch.Tensor],
        kv_cache: KVCache | None = None,
    ) -> torch.Tensor:
        x = x + self.self_attention(self.norm1(x), rope, kv_cache)
        x = x + self.cross_attention(self.norm2(x), memory_kv)
        x = x + self.mlp(self.norm3(x))
        return x


class AudioLM(nn.Module):
    """prompt (B, N) waveform and input_ids (B, T) mu-law tokens -> logits (B, T, n_levels)."""

    def __init__(self, config: AudioLMConfig) -> None:
        super().__init__()
        c = config
        self.config = c
        self.frontend = LogMelSpectrogram(c.sample_rate, c.n_fft, c.hop_length, c.n_mels)
        self.stem = AudioStem(c.n_mels, c.d_model, audio_tokens(c.prompt_samples, c.hop_length))
        self.encoder_blocks = transformer_encoder(
            c.encoder_layers,
            c.d_model,
            c.n_heads,
            c.encoder_d_ff,
            norm_eps=c.norm_eps,
            dropout=c.dropout,
        )
        self.encoder_norm = nn.LayerNorm(c.d_model, eps=c.norm_eps)
        self.token_embedding = nn.Embedding(c.n_levels + 1, c.d_model)
        self.dropout = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList(AudioDecoderBlock(c) for _ in range(c.n_layers))
        self.final_norm = RMSNorm(c.d_model, eps=c.norm_eps)
        self.lm_head = nn.Linear(c.d_model, c.n_levels, bias=False)
        self.apply(init_audio_weights)
        scale_residual_projections(self, c.n_layers)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def encode(self, prompt: torch.Tensor) -> torch.Tensor:
        """The prompt clip (B, N) as encoder states (B, S, C)."""
        x = self.dropout(self.stem(self.frontend(prompt)))  # (B, S, C)
        return self.encoder_norm(self.encoder_blocks(x))

    def memory_kvs(self, memory: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        blocks = cast(list[AudioDecoderBlock], list(self.blocks))
        return [block.cross_attention.memory_kv(memory) for block in blocks]

    def decode(
        self,
        input_ids: torch.Tensor,
        memory_kvs: list[tuple[torch.Tensor, torch.Tensor]],
        kv_caches: list[KVCache] | None = None,
    ) -> torch.Tensor:
        """Decoder features (B, T, C) of input_ids after the cached positions, if any."""
        context, T = self.config.context_length, input_ids.size(1)
        positions = next_positions(kv_caches, T, context, input_ids.device)  # (T,)
        head_dim = self.config.d_model // self.config.n_heads
        rope = rope_cos_sin(positions, head_dim, self.config.rope_theta)  # 2 x (T, hs)
        x = self.dropout(self.token_embedding(input_ids))  # (B, T, C)
        for i, block in enumerate(self.blocks):
            x = block(x, memory_kvs[i], rope, kv_caches[i] if kv_caches else None)
        return self.final_norm(x)

    def forward_features(self, prompt: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        return self.decode(input_ids, self.memory_kvs(self.encode(prompt)))

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.lm_head(features)  # (B, T, n_levels)

    def forward(self, prompt: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(prompt, input_ids))

    def new_kv_caches(self, batch_size: int, max_len: int) -> list[KVCache]:
        """One empty self-attention cache per decoder block, on the model's device and dtype."""
        return decoder_kv_caches(self.config, batch_size, max_len, self.lm_head.weight)

    @torch.no_grad()
    def generate(
        self,
        prompt: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
    ) -> torch.Tensor:
        """max_new_tokens mu-law tokens (B, max_new_tokens) that continue the prompt clip.

        Decodes with a KV cache; the prompt's cross-attention keys and values are computed
        once. Past context_length the window slides by half: the cache restarts from the last
        context_length // 2 tokens.
        """
        context, batch = self.config.context_length, prompt.size(0)
        memory_kvs = self.memory_kvs(self.encode(prompt))
        start = torch.full((batch, 1), self.config.n_levels, dtype=torch.long, device=prompt.device)
        tokens = generate_with_kv_cache(
            lambda pending, kv_caches: self.forward_head(
                self.decode(pending, memory_kvs, kv_caches)
            )[:, -1].float(),
            start,
            max_new_tokens,
            self.new_kv_caches(batch, min(context, 1 + max_new_tokens)),
            context=context,
            keep=max(1, context // 2),
            temperature=temperature,
            top_k=top_k,
        )
        return tokens[:, 1:]  # without the start token
