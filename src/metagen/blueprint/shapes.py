"""Standard shapes per architecture: the grid the solver searches.

A shape fixes everything but one depth knob, and parameters grow by the same amount for each
unit of that knob (a transformer layer, a ResNet stage-3 block). That lets the solver find
the deepest fit for each width exactly, with two counts instead of a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from metagen.archs.decoder_lm.shapes import grid as lm_shapes
from metagen.archs.encoder_mlm.shapes import grid as encoder_mlm_shapes
from metagen.archs.resnet.shapes import grid as resnet_shapes
from metagen.archs.vit.shapes import grid as vit_shapes
from metagen.blueprint.shape_builds import (
    Shape,
    at_depth,
)
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
