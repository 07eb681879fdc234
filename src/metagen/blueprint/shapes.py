"""Standard shapes per architecture: the grid the solver searches.

A shape fixes everything but one depth knob, and parameters grow by the same amount for each
unit of that knob (a transformer layer, a ResNet stage-3 block). That lets the solver find
the deepest fit for each width exactly, with two counts instead of a scan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from metagen.blueprint.shape_builds import at_depth, at_stage_depth
from metagen.blueprint.shapes_anomaly import ANOMALY_DEFAULT_BUDGET, anomaly_autoencoder_shapes
from metagen.blueprint.shapes_asr import speech_seq2seq_shapes
from metagen.blueprint.shapes_detection import DETECTION_DEFAULT_BUDGET, DETECTION_SHAPES
from metagen.blueprint.shapes_forecast import FORECAST_DEFAULT_BUDGET, FORECAST_SHAPES
from metagen.blueprint.shapes_multimodal import clip_shapes, vlm_shapes
from metagen.blueprint.shapes_segmentation import seg_unet_shapes, segformer_shapes
from metagen.blueprint.shapes_tagger import TAGGER_DEFAULT_BUDGET, sequence_tagger_shapes
from metagen.blueprint.shapes_task_encoders import (
    TASK_ENCODER_DEFAULT_BUDGET,
    TASK_ENCODER_SHAPES,
)
from metagen.blueprint.shapes_unet import hybrid_vit_shapes, unet_shapes
from metagen.blueprint.shapes_video import video_diffusion_shapes

# Where a spec gives no parameter budget: a small, common size per architecture.
DEFAULT_BUDGET = {
    "speech_encoder_decoder": 37_760_640,  # Whisper tiny
    "speech_ctc": 30_000_000,  # the Conformer-CTC medium class
    **TASK_ENCODER_DEFAULT_BUDGET,
    **DETECTION_DEFAULT_BUDGET,
    **FORECAST_DEFAULT_BUDGET,
    **ANOMALY_DEFAULT_BUDGET,
    **TAGGER_DEFAULT_BUDGET,
    "clip": 151_277_313,  # OpenAI CLIP ViT-B/32
    "vlm": 1_000_000_000,  # the 1B class of small VLMs (InternVL2-1B, SmolVLM)
    "decoder_lm": 125_000_000,
    "encoder_mlm": 110_000_000,  # BERT-base
    "vit": 22_000_000,
    "resnet": 11_700_000,
    "unet": 35_700_000,  # DDPM's CIFAR-10 U-Net
    "hybrid_vit": 22_000_000,  # the ViT-S class, as vit
    "audio_transformer": 22_000_000,
    "audio_lm": 300_000_000,  # MusicGen-small
    "video_transformer": 30_000_000,
    "video_cnn": 33_400_000,  # R3D-18
    "video_diffusion": 500_000_000,
    "seg_unet": 31_037_698,  # U-Net (Ronneberger et al. 2015): 64 to 1024 channels
    "segformer": 3_752_694,  # SegFormer-B0
}

# From about this size, language models follow current large-model practice: grouped-query
# attention and untied embeddings (Llama 3, Mistral, Qwen 2).
LARGE_LM_PARAMS = 1_000_000_000


@dataclass(frozen=True)
class Shape:
    """One width with its depth range; `build(depth)` gives the full dims."""

    label: str
    build: Callable[[int], dict[str, Any]]
    depth_min: int
    depth_max: int


def _widths(start: int, stop: int, fine: bool = False) -> Iterator[int]:
    """Common hidden sizes: steps of 64 up to 1024 (32 below 512 if `fine`), 128 up to 4096,
    256 beyond."""
    d = start
    while d <= stop:
        yield d
        d += 32 if fine and d < 512 else 64 if d < 1024 else 128 if d < 4096 else 256


def lm_head_dim(d_model: int) -> int:
    """64 where it divides (GPT-2, Llama 1B), 128 from 2048 (Llama 8B), 32 for tiny widths."""
    if d_model >= 2048:
        return 128
    return 64 if d_model % 64 == 0 and d_model >= 256 else 32


def swiglu_hidden(d_model: int) -> int:
    """Llama's rule: 2/3 of 4*d, rounded up to a multiple of 64 (256 from d=1024)."""
    multiple = 64 if d_model < 1024 else 256
    return multiple * math.ceil(int(8 * d_model / 3) / multiple)


def gqa_kv_heads(n_heads: int) -> int:
    """Grouped-query attention with 8 KV heads where possible (Llama 3), else a quarter."""
    for kv in (8, n_heads // 4, n_heads // 2):
        if kv >= 1 and n_heads % kv == 0 and kv < n_heads:
            return kv
    return n_heads


def lm_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    large = budget >= LARGE_LM_PARAMS
    for d in _widths(128, 16384, fine=True):
        n_heads = d // lm_head_dim(d)
        base = {
            **fixed,
            "d_model": d,
            "n_heads": n_heads,
            "n_kv_heads": gqa_kv_heads(n_heads) if large else n_heads,
            "d_ff": swiglu_hidden(d) if fixed["mlp"] == "swiglu" else 4 * d,
            "tie_embeddings": not large,
        }
        # Width/depth ratios seen in practice run from about 48 (deep, narrow) to 192;
        # small models go deeper (MobileLLM), down to 32.
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(2, math.ceil(d / 192)),
            max(2, d // (32 if d < 512 else 48)),
        )


def vit_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in _widths(128, 2048):
        if d >= 512 and d % 128:
            continue
        base = {**fixed, "d_model": d, "n_heads": d // 64, "d_ff": 4 * d}
        # ViT-Ti (192/12) to ViT-H (1280/32): width/depth from 16 to about 96.
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(2, math.ceil(d / 96)),
            max(2, d // 16),
        )


def encoder_mlm_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for d in _widths(128, 4096):
        base = {**fixed, "d_model": d, "n_heads": d // 64, "d_ff": 4 * d}
        # BERT-tiny (128/2), mini (256/4), small (512/4), base (768/12), large (1024/24):
        # width/depth from about 32 to 128.
        yield Shape(
            f"d_model={d}",
            at_depth(base, "n_layers"),
            max(2, math.ceil(d / 128)),
            max(2, d // 32),
        )


def audio_lm_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    """The LM grid for the decoder (the depth knob); the prompt encoder has the same width and
    a fixed depth per width, about a quarter of the decoder's (Whisper splits evenly, MusicGen
    conditions on a separate text encoder)."""
    for shape in lm_shapes({**fixed, "mlp": "swiglu"}, budget):
        base = shape.build(shape.depth_min)
        d = base["d_model"]
        base = {k: v for k, v in base.items() if k not in ("mlp", "tie_embeddings")}
        base.update(encoder_layers=max(2, d // 256), encoder_d_ff=4 * d)
        yield Shape(
            shape.label,
            at_depth(base, "n_layers"),
            shape.depth_min,
            shape.depth_max,
        )


# (block, stage depths before and after the variable third stage, its range)
_RESNET_PATTERNS = (
    ("basic", (1, 1), (1,), 1, 8),
    ("basic", (2, 2), (2,), 2, 6),
    ("bottleneck", (3, 4), (3,), 6, 36),
    ("bottleneck", (3, 8), (3,), 37, 64),
)
_RESNET_WIDTHS = (16, 24, 32, 48, 64, 80, 96, 128)


def resnet_shapes(fixed: dict[str, Any], budget: int) -> Iterator[Shape]:
    for width in _RESNET_WIDTHS:
        for block, head, tail, lo, hi in _RESNET_PATTERNS:
            base = {**fixed, "block": block, "width": width}
            yield Shape(
                f"{block} width={width} layers={list(head)}+[n]+{list(tail)}",
                at_stage_depth(base, "layers", head, tail),
                lo,
                hi,
            )


SHAPES: dict[str, Callable[[dict[str, Any], int], Iterator[Shape]]] = {
    "speech_encoder_decoder": speech_seq2seq_shapes,
    "speech_ctc": vit_shapes,  # the audio classifier's grid, as an encoder-only model
    **TASK_ENCODER_SHAPES,
    **DETECTION_SHAPES,
    "clip": clip_shapes,
    "vlm": vlm_shapes,
    "decoder_lm": lm_shapes,
    "encoder_mlm": encoder_mlm_shapes,
    "vit": vit_shapes,
    "resnet": resnet_shapes,
    "unet": unet_shapes,
    "hybrid_vit": hybrid_vit_shapes,
    "audio_transformer": vit_shapes,  # the ViT grid: d_model/64 heads, 4*d MLP
    "audio_lm": audio_lm_shapes,
    # The same grids as their image counterparts: ViT widths, ResNet stage patterns.
    "video_transformer": vit_shapes,
    "video_cnn": resnet_shapes,
    "video_diffusion": video_diffusion_shapes,
    "seg_unet": seg_unet_shapes,
    "segformer": segformer_shapes,
    **FORECAST_SHAPES,
    "anomaly_autoencoder": anomaly_autoencoder_shapes,
    "sequence_tagger": sequence_tagger_shapes,
}
