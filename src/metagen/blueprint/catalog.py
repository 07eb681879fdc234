"""Named variants: published configurations, numbers only (torchtune's model builders).

Each entry records the parameter count its authors published, and the test suite checks the
built module against it. A variant fixes the whole shape; the solver does not resize it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Variant:
    name: str
    arch: str
    family: str
    dims: dict[str, Any]
    published_params: int
    source: str
    # Dims a spec may still set (the head's classes, the image's channels).
    adjustable: tuple[str, ...] = field(default=())
    # The components (count_params keys) that published_params counts; empty means all.
    # BERT-base's 109,482,240 is the encoder with its pooler, without the MLM head.
    published_components: tuple[str, ...] = field(default=())
    # Other archs that put a task head on this variant's encoder: the same dims plus the
    # head's, which their handler sets (BERT-base under a classifier's head is text_encoder).
    heads_on: tuple[str, ...] = field(default=())

    def published_part(self, per_component: dict[str, int]) -> int:
        """The parameters of the components the published count covers."""
        names = self.published_components or tuple(per_component)
        missing = [n for n in names if n not in per_component]
        if missing:
            raise ValueError(f"{self.name}: published components {missing} are not in the model")
        return sum(per_component[n] for n in names)


def _gpt2(d_model: int, n_layers: int, n_heads: int) -> dict[str, Any]:
    return {
        "vocab_size": 50257,
        "context_length": 1024,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "n_kv_heads": n_heads,
        "d_ff": 4 * d_model,
        "norm": "layernorm",
        "mlp": "gelu",
        "position": "learned",
        "bias": True,
        "tie_embeddings": True,
        "rope_theta": 10000.0,
        "norm_eps": 1e-5,
        "dropout": 0.0,
    }


def _bert(d_model: int, n_layers: int, n_heads: int) -> dict[str, Any]:
    return {
        "vocab_size": 30522,
        "context_length": 512,
        "type_vocab_size": 2,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "d_ff": 4 * d_model,
        "norm_position": "post",
        "pooler": True,
        "norm_eps": 1e-12,
        "dropout": 0.1,
    }


def _vit(d_model: int, n_layers: int, n_heads: int, patch_size: int = 16) -> dict[str, Any]:
    return {
        "image_size": 224,
        "patch_size": patch_size,
        "in_channels": 3,
        "d_model": d_model,
        "n_layers": n_layers,
        "n_heads": n_heads,
        "d_ff": 4 * d_model,
        "num_classes": 1000,
        "pool": "cls",
        "norm_eps": 1e-6,
        "dropout": 0.0,
    }


def _resnet(block: str, layers: list[int]) -> dict[str, Any]:
    return {
        "block": block,
        "layers": layers,
        "width": 64,
        "in_channels": 3,
        "num_classes": 1000,
        "stem": "imagenet",
        "image_size": 224,
    }


_VIT_ADJUSTABLE = ("num_classes", "in_channels")
# A 3D ResNet: torchvision's r3d_18 (3x7x7 stem, basic blocks, 400 Kinetics classes).
_R3D_18 = {
    "block": "basic",
    "layers": [2, 2, 2, 2],
    "width": 64,
    "in_channels": 3,
    "num_classes": 400,
    "stem": "kinetics",
    "num_frames": 16,
    "resolution": [112, 112],
}
# A ResNet's parameters do not depend on the image size, so a spec may set it.
_RESNET_ADJUSTABLE = ("num_classes", "in_channels", "image_size")

# OpenAI CLIP ViT-B/32 (Radford et al. 2021). The vocabulary keeps CLIP's 49,408 BPE rows
# for the published count, although MetaGen's byte tokenizer uses only the first 259.
_CLIP_VIT_B_32 = {
    "image_size": 224,
    "patch_size": 32,
    "in_channels": 3,
    "vision_d_model": 768,
    "vision_n_layers": 12,
    "vision_n_heads": 12,
    "vision_d_ff": 3072,
    "vision_stem_channels": [],
    "vocab_size": 49408,
    "context_length": 77,
    "text_d_model": 512,
    "text_n_layers": 12,
    "text_n_heads": 8,
    "text_d_ff": 2048,
    "embed_dim": 512,
    "eot_id": 257,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}

# Segmentation: the spec may set the classes, channels and image size (no position tables),
# and the panoptic task adds an instance head that the published counts do not include.
_SEGMENTATION_ADJUSTABLE = (
    "num_classes",
    "in_channels",
    "image_size",
    "instance_head",
    "thing_classes",
)
# U-Net (Ronneberger et al. 2015) with padded convs and BatchNorm, as milesial/Pytorch-UNet:
# 64 to 1024 channels over 5 levels, transposed-conv upsampling; 3 channels in, 2 classes.
_UNET = {
    "image_size": 256,
    "in_channels": 3,
    "num_classes": 2,
    "base_channels": 64,
    "levels": 5,
    "convs_per_level": 2,
    "instance_head": False,
    "thing_classes": [],
}
# SegFormer-B0 (Xie et al. 2021) with its ADE20K head (150 classes).
_SEGFORMER_B0 = {
    "image_size": 512,
    "in_channels": 3,
    "num_classes": 150,
    "stage_dims": [32, 64, 160, 256],
    "stage_depths": [2, 2, 2, 2],
    "stage_heads": [1, 2, 5, 8],
    "sr_ratios": [8, 4, 2, 1],
    "mlp_ratio": 4,
    "decoder_dim": 256,
    "norm_eps": 1e-6,
    "dropout": 0.0,
    "instance_head": False,
    "thing_classes": [],
}

# YOLOv8 (Ultralytics 2023) at 640 px for COCO's 80 classes: P1..P5 channels and the depth n
# (C2f bottlenecks n, 2n, 2n, n in the backbone, n in the pyramid) of each scale. The published
# counts are Ultralytics' model summaries; they include the DFL's 16 fixed weights.
_YOLO_V8 = {
    "n": ([16, 32, 64, 128, 256], 1),
    "s": ([32, 64, 128, 256, 512], 1),
    "m": ([48, 96, 192, 384, 576], 2),
    "l": ([64, 128, 256, 512, 512], 3),
    "x": ([80, 160, 320, 640, 640], 3),
}
_YOLO_V8_PARAMS = {
    "n": 3_157_200,
    "s": 11_166_560,
    "m": 25_902_640,
    "l": 43_691_520,
    "x": 68_229_648,
}
_YOLO_ADJUSTABLE = ("num_classes", "in_channels", "image_size")


def _yolo_v8(scale: str) -> dict[str, Any]:
    channels, n = _YOLO_V8[scale]
    return {
        "image_size": 640,
        "in_channels": 3,
        "num_classes": 80,
        "channels": channels,
        "c2f_blocks": [n, 2 * n, 2 * n, n],
        "neck_blocks": n,
        "reg_max": 16,
    }


def _yolo_v8_variant(name: str, scale: str) -> Variant:
    return Variant(
        name,
        "yolo",
        "cnn",
        _yolo_v8(scale),
        _YOLO_V8_PARAMS[scale],
        f"Jocher et al. 2023, Ultralytics YOLOv8{scale} (COCO, 640 px)",
        _YOLO_ADJUSTABLE,
    )


# Whisper tiny (Radford et al. 2022): 30 s of 16 kHz audio as 3000 log-mel frames (1500
# encoder positions), 448 text positions, 51,865 BPE rows kept for the published count
# although MetaGen transcribes with its byte tokenizer's first 259 ids (bos 256, eos 257).
# 37,760,640 is Hugging Face's openai/whisper-tiny, whose encoder keeps the 1500x384
# sinusoidal table as a frozen parameter; OpenAI's code keeps it as a buffer (37,184,640).
_WHISPER_TINY = {
    "sample_rate": 16000,
    "clip_samples": 480_000,
    "n_fft": 400,
    "hop_length": 160,
    "n_mels": 80,
    "vocab_size": 51865,
    "n_text_ctx": 448,
    "d_model": 384,
    "encoder_layers": 4,
    "decoder_layers": 4,
    "n_heads": 6,
    "d_ff": 1536,
    "bos_id": 256,
    "eos_id": 257,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            "clip_vit_b_32",
            "clip",
            "transformer",
            _CLIP_VIT_B_32,
            151_277_313,
            "Radford et al. 2021, OpenAI CLIP ViT-B/32 (both towers, projections and logit_scale)",
        ),
        Variant(
            "gpt2",
            "decoder_lm",
            "transformer",
            _gpt2(768, 12, 12),
            124_439_808,
            "Radford et al. 2019, GPT-2 small (tied embeddings)",
        ),
        Variant(
            "gpt2_medium",
            "decoder_lm",
            "transformer",
            _gpt2(1024, 24, 16),
            354_823_168,
            "Radford et al. 2019, GPT-2 medium (tied embeddings)",
        ),
        Variant(
            "bert_base",
            "encoder_mlm",
            "transformer",
            _bert(768, 12, 12),
            109_482_240,
            "Devlin et al. 2019, BERT-base uncased (encoder with pooler, without the MLM head)",
            published_components=("embeddings", "blocks", "pooler"),
            heads_on=("text_encoder",),
        ),
        Variant(
            "vit_ti_16",
            "vit",
            "transformer",
            _vit(192, 12, 3),
            5_717_416,
            "Touvron et al. 2021 (DeiT-Ti), timm vit_tiny_patch16_224",
            _VIT_ADJUSTABLE,
        ),
        Variant(
            "vit_s_16",
            "vit",
            "transformer",
            _vit(384, 12, 6),
            22_050_664,
            "Touvron et al. 2021 (DeiT-S), timm vit_small_patch16_224",
            _VIT_ADJUSTABLE,
        ),
        Variant(
            "vit_b_16",
            "vit",
            "transformer",
            _vit(768, 12, 12),
            86_567_656,
            "Dosovitskiy et al. 2021, ViT-B/16",
            _VIT_ADJUSTABLE,
        ),
        Variant(
            "vit_l_16",
            "vit",
            "transformer",
            _vit(1024, 24, 16),
            304_326_632,
            "Dosovitskiy et al. 2021, ViT-L/16",
            _VIT_ADJUSTABLE,
        ),
        Variant(
            "resnet18",
            "resnet",
            "cnn",
            _resnet("basic", [2, 2, 2, 2]),
            11_689_512,
            "He et al. 2016, torchvision resnet18",
            _RESNET_ADJUSTABLE,
        ),
        Variant(
            "resnet34",
            "resnet",
            "cnn",
            _resnet("basic", [3, 4, 6, 3]),
            21_797_672,
            "He et al. 2016, torchvision resnet34",
            _RESNET_ADJUSTABLE,
        ),
        Variant(
            "resnet50",
            "resnet",
            "cnn",
            _resnet("bottleneck", [3, 4, 6, 3]),
            25_557_032,
            "He et al. 2016, torchvision resnet50",
            _RESNET_ADJUSTABLE,
        ),
        Variant(
            "resnet101",
            "resnet",
            "cnn",
            _resnet("bottleneck", [3, 4, 23, 3]),
            44_549_160,
            "He et al. 2016, torchvision resnet101",
            _RESNET_ADJUSTABLE,
        ),
        Variant(
            "r3d_18",
            "video_cnn",
            "cnn",
            _R3D_18,
            33_371_472,
            "Tran et al. 2018, torchvision r3d_18 (Kinetics-400, 16 frames of 112x112)",
            ("num_classes", "in_channels", "num_frames", "resolution", "stem"),
        ),
        # The seed's `yolo_v8` names no scale: the nano model, for edge devices.
        _yolo_v8_variant("yolo_v8", "n"),
        *(_yolo_v8_variant(f"yolo_v8{scale}", scale) for scale in _YOLO_V8),
        Variant(
            "unet",
            "seg_unet",
            "unet",
            _UNET,
            31_037_698,
            "Ronneberger et al. 2015, U-Net with BatchNorm and padded convs "
            "(milesial/Pytorch-UNet layout, 3 channels, 2 classes)",
            _SEGMENTATION_ADJUSTABLE,
            published_components=("encoder", "bottleneck", "decoder", "head"),
        ),
        Variant(
            "whisper_tiny",
            "speech_encoder_decoder",
            "transformer",
            _WHISPER_TINY,
            37_760_640,
            "Radford et al. 2022, Whisper tiny (Hugging Face openai/whisper-tiny; "
            "the encoder's frozen sinusoidal table included)",
        ),
        Variant(
            "segformer_b0",
            "segformer",
            "transformer",
            _SEGFORMER_B0,
            3_752_694,
            "Xie et al. 2021, SegFormer-B0 with the ADE20K head (HF "
            "nvidia/segformer-b0-finetuned-ade-512-512)",
            _SEGMENTATION_ADJUSTABLE,
            published_components=("stage1", "stage2", "stage3", "stage4", "decoder", "head"),
        ),
    )
}


def get_variant(name: str) -> Variant | None:
    return VARIANTS.get(name)
