"""DETR (Carion et al., 2020): a ResNet backbone, a 1x1 projection, a transformer encoder over
the feature map, a decoder of learned object queries, and class + box heads applied to every
decoder layer (the auxiliary decoding losses). Hungarian matching lives with the loss."""

from dataclasses import dataclass, field
from typing import cast

import torch
from torch import nn

from metagen.archs.detr.blocks import DetrDecoderLayer, DetrEncoderLayer, detr_sine_positions
from metagen.archs.resnet.model import RESNET_BLOCKS, RESNET_STEMS, resnet_stage
from metagen.nn.checks import check_choice, check_divisible, check_dropout, check_positive


@dataclass
class DetrConfig:
    image_size: int = 640  # for example inputs and FLOP counts; the network takes any size
    in_channels: int = 3
    num_classes: int = 80  # object classes; the class head adds one for "no object"
    backbone_block: str = "bottleneck"  # a ResNet: "basic" or "bottleneck"
    backbone_layers: list[int] = field(default_factory=lambda: [3, 4, 6, 3])
    backbone_width: int = 64
    backbone_stem: str = "imagenet"  # "imagenet": features at stride 32; "cifar": stride 8
    d_model: int = 256
    n_heads: int = 8
    encoder_layers: int = 6
    decoder_layers: int = 6
    d_ff: int = 2048
    num_queries: int = 100
    dropout: float = 0.0

    def __post_init__(self) -> None:
        check_choice("backbone_block", self.backbone_block, RESNET_BLOCKS)
        check_choice("backbone_stem", self.backbone_stem, RESNET_STEMS)
        if len(self.backbone_layers) != 4:
            raise ValueError(f"backbone_layers must list 4 depths, got {self.backbone_layers}")
        check_positive(**{f"backbone_layers[{i}]": n for i, n in enumerate(self.backbone_layers)})
        check_positive(
            image_size=self.image_size,
            in_channels=self.in_channels,
            num_classes=self.num_classes,
            backbone_width=self.backbone_width,
            d_model=self.d_model,
            n_heads=self.n_heads,
            encoder_layers=self.encoder_layers,
            decoder_layers=self.decoder_layers,
            d_ff=self.d_ff,
            num_queries=self.num_queries,
        )
        check_divisible("d_model", self.d_model, "n_heads", self.n_heads)
        check_divisible("d_model", self.d_model, "4 (sine positions for x and y)", 4)
        check_dropout(self.dropout)

    def example_inputs(self, batch_size: int, generator: torch.Generator) -> dict:
        shape = (batch_size, self.in_channels, self.image_size, self.image_size)
        return {"images": torch.randn(shape, generator=generator)}


def detr_backbone_channels(config: DetrConfig) -> int:
    return 8 * config.backbone_width * RESNET_BLOCKS[config.backbone_block].expansion


class DetrBackbone(nn.Module):
    """A ResNet without its pooling and classifier: the last stage's feature map."""

    def __init__(self, config: DetrConfig) -> None:
        super().__init__()
        block, w = RESNET_BLOCKS[config.backbone_block], config.backbone_width
        d1, d2, d3, d4 = config.backbone_layers
        e = block.expansion
        self.stem = RESNET_STEMS[config.backbone_stem](config.in_channels, w)
        self.stage1 = resnet_stage(block, w, w, d1, stride=1)
        self.stage2 = resnet_stage(block, w * e, 2 * w, d2, stride=2)
        self.stage3 = resnet_stage(block, 2 * w * e, 4 * w, d3, stride=2)
        self.stage4 = resnet_stage(block, 4 * w * e, 8 * w, d4, stride=2)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.stage2(self.stage1(self.stem(images)))
        return self.stage4(self.stage3(x))  # (B, 8 * w * e, H/32, W/32) for the imagenet stem


class DetrBoxHead(nn.Module):
    """DETR's 3-layer MLP to (cx, cy, w, h) in [0, 1] of the image."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(d_model, d_model) for _ in range(2))
        self.out = nn.Linear(d_model, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.out(x).sigmoid()


class DETR(nn.Module):
    """images (B, C, H, W) -> {"class_logits" (B, L, Q, K + 1), "boxes" (B, L, Q, 4)}: every
    decoder layer's predictions (L of them; the last is the model's answer), boxes as
    (cx, cy, w, h) fractions of the image, class K meaning "no object"."""

    def __init__(self, config: DetrConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        layer_args = (d, config.n_heads, config.d_ff, config.dropout)
        self.backbone = DetrBackbone(config)
        self.input_proj = nn.Conv2d(detr_backbone_channels(config), d, kernel_size=1)
        self.encoder = nn.ModuleList(
            DetrEncoderLayer(*layer_args) for _ in range(config.encoder_layers)
        )
        self.query_embedding = nn.Embedding(config.num_queries, d)
        self.decoder = nn.ModuleList(
            DetrDecoderLayer(*layer_args) for _ in range(config.decoder_layers)
        )
        self.decoder_norm = nn.LayerNorm(d)
        self.class_head = nn.Linear(d, config.num_classes + 1)
        self.box_head = DetrBoxHead(d)
        for name, p in self.named_parameters():
            if p.dim() > 1 and name.split(".")[0] in ("encoder", "decoder"):
                nn.init.xavier_uniform_(p)
        # The decoder starts from zero content, so its first self-attention averages identical
        # values: its query, key and value weights cannot change the output. They are kept
        # (DETR's count) and frozen, so rounding noise in their zero gradients moves nothing.
        first = cast(DetrDecoderLayer, self.decoder[0]).self_attn
        frozen: list[torch.Tensor] = [
            first.q_proj.weight,
            first.q_proj.bias,
            first.k_proj.weight,
            first.k_proj.bias,
            first.v_proj.weight,
        ]
        for weight in frozen:
            weight.requires_grad_(False)

    def get_num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward_features(self, images: torch.Tensor) -> torch.Tensor:
        """The decoder's output at every layer, normed: (L, B, Q, d)."""
        x = self.input_proj(self.backbone(images))  # (B, d, h, w)
        B, d, h, w = x.shape
        memory = x.flatten(2).transpose(1, 2)  # (B, h*w, d)
        pos = detr_sine_positions(h, w, d, x.device).to(x.dtype)[None]  # (1, h*w, d)
        for layer in self.encoder:
            memory = layer(memory, pos)
        # repeat, not expand: a fresh tensor, never a view of the parameter
        query_pos = self.query_embedding.weight.to(x.dtype).repeat(B, 1, 1)  # (B, Q, d)
        tgt = torch.zeros_like(query_pos)
        outputs = []
        for layer in self.decoder:
            tgt = layer(tgt, query_pos, memory, pos)
            outputs.append(self.decoder_norm(tgt))
        return torch.stack(outputs)  # (L, B, Q, d)

    def forward_head(self, features: torch.Tensor) -> dict[str, torch.Tensor]:
        features = features.transpose(0, 1)  # (B, L, Q, d)
        return {"class_logits": self.class_head(features), "boxes": self.box_head(features)}

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_head(self.forward_features(images))
