"""CLIP (Radford et al., 2021): an image tower and a text tower projected into one space,
trained with a symmetric contrastive loss and a learnable temperature. The image tower
patchifies as CLIP, or (family hybrid) starts with the hybrid ViT's convolutional stem."""

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from metagen.archs.decoder_lm.model import DecoderBlock, DecoderLMConfig
from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive
from metagen.nn.mlp import GELU_ACTIVATIONS
from metagen.nn.vision_tower import check_vision_stem, vision_tower, vision_tower_config
from metagen.nn.weight_init import init_transformer_weights

# CLIP's initial temperature is 0.07; the learned scale exp(logit_scale) is capped at 100.
LOGIT_SCALE_INIT = 2.659260036932778  # log(1 / 0.07)
LOGIT_SCALE_MAX = 4.605170185988092  # log(100)


@dataclass
class ClipConfig:
    image_size: int = 224
    patch_size: int = 32
    in_channels: int = 3
    vision_d_model: int = 768
    vision_n_layers: int = 12
    vision_n_heads: int = 12
    vision_d_ff: int = 3072
    # Empty: CLIP's patchify. Else a conv stem (family hybrid), one stride-2 stage per entry,
    # so 2**len(vision_stem_channels) must equal patch_size.
    vision_stem_channels: list[int] = field(default_factory=list)
    vocab_size: int = 49408
    context_length: int = 77
    text_d_model: int = 512
    text_n_layers: int = 12
    text_n_heads: int = 8
    text_d_ff: int = 2048
    embed_dim: int = 512
    eot_id: int = 257  # the byte tokenizer's eos: the caption's feature is read there
    activation: str = "gelu"  # both towers' MLP GELU; OpenAI CLIP's is "quick_gelu"
    norm_eps: float = 1e-5
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_positive(
            image_size=self.image_size,
            patch_size=self.patch_size,
            in_channels=self.in_channels,
            vision_d_model=self.vision_d_model,
            vision_n_layers=self.vision_n_layers,
            vision_n_heads=self.vision_n_heads,
            vision_d_ff=self.vision_d_ff,
            vocab_size=self.vocab_size,
            context_length=self.context_length,
            text_d_model=self.text_d_model,
            text_n_layers=self.text_n_layers,
            text_n_heads=self.text_n_heads,
            text_d_ff=self.text_d_ff,
            embed_dim=self.embed_dim,
            norm_eps=self.norm_eps,
        )
        check_divisible("image_size", self.image_size, "patch_size", self.patch_size)
        check_vision_stem(self.patch_size, self.vision_stem_channels)
        check_divisible(
            "vision_d_model", self.vision_d_model, "vision_n_heads", self.vision_n_heads
        )
        check_divisible("text_d_model", self.text_d_model, "text_n_heads", self.text_n_heads)
        check_choice("activation", self.activation, GELU_ACTIVATIONS)
        check_dropout(self.dropout)
        if not 0 <= self.eot_id < self.vocab_size:
            raise ValueError(f"eot_id ({self.eot_id}) must be below vocab_size ({self.vocab_size})")

    def example_inputs(
        self, batch_size: int, generator: torch.Generator
    ) -> dict[str, torch.Tensor]:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {
            "images": torch.randn(shape, generator=generator),
            "input_ids": example_caption_ids(
                batch_size, self.context_length, self.eot_id, generator
            ),
        }


def example_caption_ids(
    batch_size: int, seq_len: int, eot_id: int, generator: torch.Generator
) -> torch.Tensor:
    """Random byte captions (B, seq_len), each ended by eot at a random position."""
    ids = torch.randint(256, (batch_size, seq_len), generator=generator)
    ends = torch.randint(seq_len, (batch_size,), generator=generator)  # (B,)
    ids[torch.arange(batch_size), ends] = eot_id
    return ids


class ClipTextTower(nn.Module):
    """CLIP's text encoder: token and learned position embeddings, causal pre-norm blocks
    (GPT-2 style), final norm; the caption's feature is the one at its eot token."""

    def __init__(self, config: DecoderLMConfig, eot_id: int) -> None:
        super().__init__()
        self.eot_id = eot_id
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.position_embedding = nn.Embedding(config.context_length, config.d_model)
        self.blocks = nn.ModuleList(DecoderBlock(config) for _ in range(config.n_layers))
        self.final_norm = nn.LayerNorm(config.d_model, eps=config.norm_eps)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding.weight, std=0.01)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        B, T = input_ids.size()
        positions = torch.arange(T, device=input_ids.device)  # (T,)
        x = self.token_embedding(input_ids) + self.position_embedding(positions)  # (B, T, C)
        for block in self.blocks:
            x = block(x)  # causal: padding after eot never reaches the eot feature
        x = self.final_norm(x)
        is_eot = input_ids == self.eot_id  # (B, T)
        last = torch.full_like(input_ids[:, 0], T - 1)  # (B,) no eot: the last token
        eot = torch.where(is_eot.any(dim=1), is_eot.int().argmax(dim=1), last)  # (B,)
        return x[torch.arange(B, device=x.device), eot]  # (B, C)


class LogitScale(nn.Module):
    """The learnable inverse temperature, kept as its log; exp is capped at 100 as in CLIP."""

    def __init__(self) -> None:
        super().__init__()
        self.value = nn.Parameter(torch.tensor(LOGIT_SCALE_INIT))

    def forward(self) -> torch.Tensor:
        return self.value.clamp(max=LOGIT_SCALE_MAX).exp()


class CLIP(nn.Module):
    """images (B, C, H, W) and caption ids (B, T) -> logits_per_image (B, B): scaled cosine
    similarities; row i holds image i against every caption."""

    def __init__(self, config: ClipConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        vision = vision_tower_config(c)
        text = DecoderLMConfig(
            vocab_size=c.vocab_size,
            context_length=c.context_length,
            d_model=c.text_d_model,
            n_layers=c.text_n_layers,
            n_heads=c.text_n_heads,
            n_kv_heads=c.text_n_heads,
            d_ff=c.text_d_ff,
            norm="layernorm",
            mlp="gelu",
            activation=c.activation,
            position="learned",
            bias=True,
            tie_embeddings=False,
            norm_eps=c.norm_eps,
            dropout=c.dropout,
        )
        self.image_encoder = vision_tower(vision, c.vision_stem_channels, cls_token=True)
        self.image_projection = nn.Linear(c.vision_d_model, c.embed_dim, bias=False)
        self.text_encoder = ClipTextTower(text, c.eot_id)
        self.text_projection = nn.Linear(c.text_d_model, c.embed_dim, bias=False)
        self.logit_scale = LogitScale()
        self.apply(init_transformer_weights)
        nn.init.normal_(self.image_projection.weight, std=c.vision_d_model**-0.5)
        nn.init.normal_(self.text_projection.weight, std=c.text_d_model**-0.5)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """Unit-length image embeddings (B, embed_dim), from the class token."""
        features = self.image_encoder(images)[:, 0]  # (B, vision_d_model)
        return F.normalize(self.image_projection(features), dim=-1)

    def encode_text(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Unit-length caption embeddings (B, embed_dim), from each caption's eot token."""
        return F.normalize(self.text_projection(self.text_encoder(input_ids)), dim=-1)

    def forward_features(
        self, images: torch.Tensor, input_ids: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return self.encode_image(images), self.encode_text(input_ids)

    def forward_head(self, features: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        image_embeds, text_embeds = features
        return self.logit_scale() * image_embeds @ text_embeds.t()  # (B_img, B_txt)

    def forward(self, images: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(images, input_ids))
