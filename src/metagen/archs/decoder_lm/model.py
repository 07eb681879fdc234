"""Decoder-only language model (GPT-2 / Llama family), in nanoGPT reading order."""

from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from metagen.nn.attention import CausalSelfAttention, KVCache
from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.generation import decoder_kv_caches, generate_with_kv_cache, next_positions
from metagen.nn.mlp import GELU_ACTIVATIONS, MLP_LAYERS, feed_forward
from metagen.nn.norm import NORM_LAYERS
from metagen.nn.rope import ROPE_SCALINGS, RopeScaling, rope_cos_sin
from metagen.nn.weight_init import init_transformer_weights, scale_residual_projections


@dataclass
class DecoderLMConfig:
    vocab_size: int = 32000
    context_length: int = 2048
    d_model: int = 768
    n_layers: int = 12
    n_heads: int = 12
    n_kv_heads: int = 12  # fewer than n_heads is grouped-query attention
    d_ff: int = 2048
    norm: str = "rmsnorm"  # or "layernorm" (with bias)
    mlp: str = "swiglu"  # or "gelu"
    activation: str = "gelu"  # the gelu MLP's: "gelu" (erf), "gelu_tanh" (GPT-2), "quick_gelu"
    position: str = "rope"  # or "learned"
    bias: bool = False  # on the attention and MLP linears
    tie_embeddings: bool = False
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    dropout: float = 0.0
    # Llama-family options (Llama 3.1, Mistral, Qwen2). None leaves each off, and a plan whose
    # dims lack them builds the model it always did.
    qkv_bias: bool | None = None  # biases on q, k, v; None: as `bias` (Qwen2: True, bias False)
    sliding_window: int | None = None  # a query sees this many latest positions (Mistral)
    rope_scaling: str | None = None  # "linear" or "llama3": stretched RoPE frequencies
    rope_scaling_factor: float = 1.0
    rope_low_freq_factor: float = 1.0  # llama3 only, as its rope_scaling
    rope_high_freq_factor: float = 4.0  # llama3 only
    rope_original_context: int | None = None  # llama3: the pre-training context (8192)

    def __post_init__(self) -> None:
        check_positive(
            vocab_size=self.vocab_size,
            context_length=self.context_length,
            d_model=self.d_model,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            n_kv_heads=self.n_kv_heads,
            d_ff=self.d_ff,
            rope_theta=self.rope_theta,
            norm_eps=self.norm_eps,
        )
        check_choice("norm", self.norm, NORM_LAYERS)
        check_choice("mlp", self.mlp, MLP_LAYERS)
        check_choice("activation", self.activation, GELU_ACTIVATIONS)
        check_choice("position", self.position, ("rope", "learned"))
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_divisible("n_heads", self.n_heads, "n_kv_heads", self.n_kv_heads)
        check_dropout(self.dropout)
        head_dim = self.d_model // self.n_heads
        if self.position == "rope" and head_dim % 2:
            raise ValueError(
                f"rope needs an even head_dim, got d_model ({self.d_model}) / "
                f"n_heads ({self.n_heads}) = {head_dim}"
            )
        if self.sliding_window is not None:
            check_positive(sliding_window=self.sliding_window)
        if self.rope_scaling is not None:
            check_choice("rope_scaling", self.rope_scaling, ROPE_SCALINGS)
            if self.position != "rope":
                raise ValueError(
                    f"rope_scaling ({self.rope_scaling!r}) needs position 'rope', "
                    f"got {self.position!r}"
                )
            self.rope_scaling_config()  # checks the factors

    def rope_scaling_config(self) -> RopeScaling | None:
        if self.rope_scaling is None:
            return None
        return RopeScaling(
            self.rope_scaling,
            self.rope_scaling_factor,
            self.rope_low_freq_factor,
            self.rope_high_freq_factor,
            self.rope_original_context or self.context_length,
        )

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        seq_len = min(self.context_length, 64)
        shape = (batch_size, seq_len)
        return {"input_ids": torch.randint(self.vocab_size, shape, generator=generator)}


class DecoderBlock(nn.Module):
    """Pre-norm transformer block with causal attention."""

    def __init__(self, config: DecoderLMConfig) -> None:
        super().__init__()
        d = config.d_model
        self.norm1 = NORM_LAYERS[config.norm](d, eps=config.norm_eps)
        self.attention = CausalSelfAttention(
            d,
            config.n_heads,
            config.n_kv_heads,
            bias=config.bias,
            dropout=config.dropout,
            qkv_bias=config.qkv_bias,
            sliding_window=config.sliding_window,
        )
        self.norm2 = NORM_LAYERS[config.norm](d, eps=config.norm_eps)
        self.mlp = feed_forward(
            config.mlp,
            d,
            config.d_ff,
            bias=config.bias,
            dropout=config.dropout,
            activation=config.activation,
        )

    def forward(
        self,
        x: torch.Tensor,
        rope: tuple[torch.Tensor, torch.Tensor] | None = None,
        kv_cache: KVCache | None = None,
    ) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), rope, kv_cache)
        x = x + self.mlp(self.norm2(x))
        return x


class DecoderLM(nn.Module):
    """Token embedding, causal blocks, final norm and LM head: input_ids (B, T) -> logits."""

    def __init__(self, config: DecoderLMConfig) -> None:
        super().__init__()
        self.config = config
        self.rope_scaling = config.rope_scaling_config()
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.position_embedding = None
        if config.position == "learned":
            self.position_embedding = nn.Embedding(config.context_length, config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(DecoderBlock(config) for _ in range(config.n_layers))
        self.final_norm = NORM_LAYERS[config.norm](config.d_model, eps=config.norm_eps)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        if config.tie_embeddings:
            self.lm_head.weight = self.token_embedding.weight
        self.apply(partial(init_transformer_weights, embeddings=True))
        scale_residual_projections(self, config.n_layers)

    def get_num_params(self) -> int:
        """Parameters, counting a tied embedding once."""
        return sum(p.numel() for p in self.parameters())

    def forward_features(
        self, input_ids: torch.Tensor, kv_caches: list[KVCache] | None = None
    ) -> torch.Tensor:
        context, T = self.config.context_length, input_ids.size(1)
        positions = next_positions(kv_caches, T, context, input_ids.device)  # (T,)
        x = self.token_embedding(input_ids)  # (B, T, C)
        rope = None
        if self.position_embedding is not None:
            x = x + self.position_embedding(positions)  # (B, T, C)
        else:
            head_dim = self.config.d_model // self.config.n_heads
            theta, scaling = self.config.rope_theta, self.rope_scaling
            rope = rope_cos_sin(positions, head_dim, theta, scaling)  # 2 x (T, hs)
        x = self.dropout(x)
        for i, block in enumerate(self.blocks):
            x = block(x, rope, kv_caches[i] if kv_caches else None)
        return self.final_norm(x)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.lm_head(features)  # (B, T, vocab_size)

    def forward(
        self, input_ids: torch.Tensor, kv_caches: list[KVCache] | None = None
    ) -> torch.Tensor:
        return self.forward_head(self.forward_features(input_ids, kv_caches))

    def new_kv_caches(self, batch_size: int, max_len: int) -> list[KVCache]:
        """One empty cache per block, on the model's device and in its dtype."""
        return decoder_kv_caches(self.config, batch_size, max_len, self.lm_head.weight)

    @torch.no_grad()
    def generate(
        self,
        input_ids: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
    ) -> torch.Tensor:
        """Append max_new_tokens sampled tokens to input_ids (B, T); temperature 0 is greedy.

        Decodes with a KV cache. Past context_length, it conditions on the last context_length
        tokens, as nanoGPT does, recomputing the window each step.
        """
        context = self.config.context_length
        max_len = min(context, input_ids.size(1) + max_new_tokens)
        return generate_with_kv_cache(
            lambda pending, kv_caches: self(pending, kv_caches)[:, -1, :],  # (B, vocab_size)
            input_ids,
            max_new_tokens,
            self.new_kv_caches(input_ids.size(0), max_len),
            context=context,
            keep=context,
            temperature=temperature,
            top_k=top_k,
        )
