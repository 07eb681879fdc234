"""Vision-language model (LLaVA-style): a ViT image encoder (patchify, or the hybrid ViT's conv
stem), an MLP connector into the LM's width, and a causal decoder LM. Early fusion puts the image
tokens before the text; cross-attention fusion lets interleaved layers attend to them (Flamingo);
late fusion encodes the text alone and, at the final layer, joins the connector's projection of
the mean-pooled image to every text position's state (concat, Linear, GELU, Linear, added back),
so the KV cache holds text only and the image feature is fixed for the whole decode."""

import math
from dataclasses import dataclass, field, fields

import torch
from torch import nn

from metagen.archs.decoder_lm.model import DecoderLM, DecoderLMConfig
from metagen.archs.vit.model import ViTConfig
from metagen.nn.checks import check_choice, check_dropout, check_positive
from metagen.nn.cross_attention import ImageCrossAttentionBlock
from metagen.nn.generation import generate_with_kv_cache
from metagen.nn.norm import NORM_LAYERS
from metagen.nn.rope import rope_cos_sin
from metagen.nn.vision_tower import check_vision_stem, vision_tower, vision_tower_config
from metagen.nn.weight_init import init_transformer_weights

VLM_FUSIONS = ("early", "cross_attention", "late")


@dataclass
class VLMConfig:
    image_size: int = 224
    patch_size: int = 16
    in_channels: int = 3
    vision_d_model: int = 1024
    vision_n_layers: int = 24
    vision_n_heads: int = 16
    vision_d_ff: int = 4096
    vision_stem_channels: list[int] = field(default_factory=list)  # as ClipConfig's
    vocab_size: int = 320
    context_length: int = 2048  # text tokens; early fusion puts the image tokens before them
    d_model: int = 4096
    n_layers: int = 32
    n_heads: int = 32
    n_kv_heads: int = 8
    d_ff: int = 14336
    norm: str = "rmsnorm"
    mlp: str = "swiglu"
    # the GELU of the image tower's MLPs (and of the LM's, with mlp "gelu"), as ClipConfig's
    activation: str = "gelu"
    position: str = "rope"
    bias: bool = False
    tie_embeddings: bool = False
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    dropout: float = 0.0
    fusion: str = "early"  # or "cross_attention" or "late"
    cross_attention_every: int = 4  # cross_attention: one such layer before every k-th block

    def __post_init__(self) -> None:
        check_positive(
            context_length=self.context_length, cross_attention_every=self.cross_attention_every
        )
        check_choice("fusion", self.fusion, VLM_FUSIONS)
        check_dropout(self.dropout)
        check_vision_stem(self.patch_size, self.vision_stem_channels)
        self.vision_config()  # validates the image tower's shape
        self.lm_config()  # validates the language model's shape

    @property
    def n_image_tokens(self) -> int:
        return (self.image_size // self.patch_size) ** 2

    @property
    def n_cross_attention(self) -> int:
        if self.fusion != "cross_attention":
            return 0
        return math.ceil(self.n_layers / self.cross_attention_every)

    def vision_config(self) -> ViTConfig:
        return vision_tower_config(self)

    def lm_config(self) -> DecoderLMConfig:
        """The LM, from this config's fields of the same names (the LM's defaults for the
        Llama-family options it lacks); with early fusion its positions cover the image tokens
        and the text."""
        image_positions = self.n_image_tokens if self.fusion == "early" else 0
        names = [f.name for f in fields(DecoderLMConfig) if hasattr(self, f.name)]
        shape = {name: getattr(self, name) for name in names}
        shape["context_length"] += image_positions
        return DecoderLMConfig(**shape)

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        text = (batch_size, min(self.context_length, 64))
        return {
            "images": torch.randn(shape, generator=generator),
            "input_ids": torch.randint(self.vocab_size, text, generator=generator),
        }


class VisionConnector(nn.Module):
    """LLaVA-1.5's projector: Linear, GELU, Linear, from the image width to the LM width."""

    def __init__(self, vision_d_model: int, d_model: int) -> None:
        super().__init__()
        self.in_proj = nn.Linear(vision_d_model, d_model)
        self.act = nn.GELU()
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out_proj(self.act(self.in_proj(x)))


class LateFusion(nn.Module):
    """Each text position's final LM state with the image feature, normed as the LM normed the
    text: concat, Linear, GELU, Linear, added back to the text state (so the LM's own
    prediction is where training starts)."""

    def __init__(self, d_model: int, *, norm: str, norm_eps: float, bias: bool) -> None:
        super().__init__()
        self.image_norm = NORM_LAYERS[norm](d_model, eps=norm_eps)
        self.in_proj = nn.Linear(2 * d_model, d_model, bias=bias)
        self.act = nn.GELU()
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)

    def forward(self, text: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        image = self.image_norm(image)[:, None].expand(-1, text.size(1), -1)  # (B, T, C)
        joint = torch.cat((text, image), dim=-1)  # (B, T, 2C)
        return text + self.out_proj(self.act(self.in_proj(joint)))  # (B, T, C)


class VLM(nn.Module):
    """images (B, C, H, W) and text ids (B, T) -> next-token logits for the text (B, T, V)."""

    def __init__(self, config: VLMConfig) -> None:
        super().__init__()
        self.config = config
        self.vision_encoder = vision_tower(
            config.vision_config(), config.vision_stem_channels, cls_token=False
        )
        self.connector = VisionConnector(config.vision_d_model, config.d_model)
        self.cross_attention = None
        if config.fusion == "cross_attention":
            self.cross_attention = nn.ModuleList(
                ImageCrossAttentionBlock(
                    config.d_model,
                    config.n_heads,
                    norm=config.norm,
                    norm_eps=config.norm_eps,
                    bias=config.bias,
                    dropout=config.dropout,
                )
                for _ in range(config.n_cross_attention)
            )
        self.language_model = DecoderLM(config.lm_config())
        self.late_fusion = None
        if config.fusion == "late":
            self.late_fusion = LateFusion(
                config.d_model, norm=config.norm, norm_eps=config.norm_eps, bias=config.bias
            )
        for module in (self.vision_encoder, self.connector, self.cross_attention, self.late_fusion):
            if module is not None:
                module.apply(init_transformer_weights)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def image_features(self, images: torch.Tensor) -> torch.Tensor:
        """The image at the LM's width: tokens (B, N, d_model), or under late fusion the
        mean-pooled feature (B, d_model)."""
        tokens = self.vision_encoder(images)  # (B, N, vision_d_model)
        if self.late_fusion is not None:
            tokens = tokens.mean(dim=1)  # (B, vision_d_model)
        return self.connector(tokens)

    def _decode(self, x: torch.Tensor, start: int, memory: torch.Tensor | None, kv_caches=None):
        """The LM's blocks over embeddings x (B, T, C) at positions start.., with the
        cross-attention layers (if any) reading `memory`; returns the final-normed states,
        combined with the image feature `memory` under late fusion. No memory: the LM alone."""
        lm, c = self.language_model, self.config
        T = x.size(1)
        if start + T > lm.config.context_length:
            raise ValueError(f"{start + T} positions exceed the LM's {lm.config.context_length}")
        positions = torch.arange(start, start + T, device=x.device)  # (T,)
        rope = None
        if lm.position_embedding is not None:
            x = x + lm.position_embedding(positions)  # (B, T, C)
        else:
            rope = rope_cos_sin(positions, c.d_model // c.n_heads, c.rope_theta)  # 2 x (T, hs)
        x = lm.dropout(x)
        for i, block in enumerate(lm.blocks):
            if (
                memory is not None
                and self.cross_attention is not None
                and i % c.cross_attention_every == 0
            ):
                x = self.cross_attention[i // c.cross_attention_every](x, memory)
            x = block(x, rope, kv_caches[i] if kv_caches else None)
        x = lm.final_norm(x)
        if memory is not None and self.late_fusion is not None:
            x = self.late_fusion(x, memory)  # (B, T, C): the image meets every text position
        return x

    def _prefix(self, images: torch.Tensor, input_ids: torch.Tensor):
        """(LM input embeddings, image features): early fusion puts the image tokens first."""
        memory = self.image_features(images)  # (B, N, C), or (B, C) under late fusion
        text = self.language_model.token_embedding(input_ids)  # (B, T, C)
        if self.config.fusion == "early":
            return torch.cat((memory, text), dim=1), memory  # (B, N + T, C)
        return text, memory

    def forward_features(
        self, images: torch.Tensor | None, input_ids: torch.Tensor
    ) -> torch.Tensor:
        """The text positions' final states (B, T, C). Without images, the language model
        alone reads the text, at the positions it has after the image (a training stage
        that teaches it the text first): no image tokens, cross-attention or late fusion."""
        if images is None:
            x = self.language_model.token_embedding(input_ids)  # (B, T, C)
            start = self.config.n_image_tokens if self.config.fusion == "early" else 0
            return self._decode(x, start, None)
        x, memory = self._prefix(images, input_ids)
        states = self._decode(x, 0, memory)  # (B, N + T, C) or (B, T, C)
        return states[:, -input_ids.size(1) :]  # (B, T, C): the text positions

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        return self.language_model.lm_head(features)  # (B, T, vocab_size)

    def forward(self, input_ids: torch.Tensor, images: torch.Tensor | None = None) -> torch.Tensor:
        return self.forward_head(self.forward_features(images, input_ids))

    @torch.no_grad()
    def generate(
        self,
        images: torch.Tensor,
        input_ids: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        eos_id: int | None = None,
    ) -> torch.Tensor:
        """Append up to max_new_tokens tokens to input_ids (B, T) given the images, decoding
        with a KV cache; temperature 0 is greedy. Stops early once every row has emitted
        eos_id, and at the text context."""
        lm = self.language_model
        x, memory = self._prefix(images, input_ids)
        context = lm.config.context_length
        max_new_tokens = min(max_new_tokens, context - x.size(1))
        if max_new_tokens <= 0:
            raise ValueError(f"the prompt fills the context ({context} positions)")
        kv_caches = lm.new_kv_caches(input_ids.size(0), x.size(1) + max_new_tokens)

        def next_logits(pending: torch.Tensor, caches: list) -> torch.Tensor:
            start = caches[0].length  # 0: the first step reads the image and the prompt
            embedded = x if start == 0 else lm.token_embedding(pending)  # (B, T, C)
            return lm.lm_head(self._decode(embedded, start, memory, caches)[:, -1])  # (B, V)

        # max_new_tokens is capped at the context, so the window never slides
        return generate_with_kv_cache(
            next_logits,
            input_ids,
            max_new_tokens,
            kv_caches,
            context=context,
            keep=context,
            temperature=temperature,
            top_k=top_k,
            eos_id=eos_id,
        )
