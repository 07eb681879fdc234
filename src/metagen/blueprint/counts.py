"""Exact parameter counts, forward FLOPs and KV-cache sizes, from dims alone.

Pure Python: `metagen plan` runs without torch. The tests check every number here against
the built models (`sum(p.numel())` per submodule) and against
`torch.utils.flop_counter.FlopCounterMode`. FLOPs follow that counter: 2*m*n*k per matmul
(biases, norms, activations, pooling and embeddings are free), 2 * output pixels * kernel
area * c_in * c_out per convolution, and 4 * heads * T_q * T_k * head_dim per attention call,
with no discount for the causal mask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from metagen.blueprint.counting import Dims
from metagen.blueprint.counts_anomaly import (
    anomaly_autoencoder_flops,
    anomaly_autoencoder_layers,
)
from metagen.blueprint.counts_asr import (
    speech_ctc_flops,
    speech_ctc_layers,
    speech_seq2seq_flops,
    speech_seq2seq_layers,
)
from metagen.blueprint.counts_audio import (
    audio_lm_flops,
    audio_lm_layers,
    audio_transformer_flops,
    audio_transformer_layers,
)
from metagen.blueprint.counts_decoder_lm import decoder_lm_flops, decoder_lm_layers
from metagen.blueprint.counts_detection import (
    condinst_flops,
    condinst_layers,
    detr_flops,
    detr_layers,
    yolo_flops,
    yolo_layers,
)
from metagen.blueprint.counts_encoder_mlm import (
    encoder_mlm_flops,
    encoder_mlm_layers,
)
from metagen.blueprint.counts_forecast import (
    dlinear_flops,
    dlinear_layers,
    nbeats_flops,
    nbeats_layers,
    patchtst_flops,
    patchtst_layers,
    rnn_forecaster_flops,
    rnn_forecaster_layers,
    tft_flops,
    tft_layers,
)
from metagen.blueprint.counts_multimodal import (
    clip_flops,
    clip_layers,
    vlm_flops,
    vlm_layers,
)
from metagen.blueprint.counts_resnet import resnet_flops, resnet_layers
from metagen.blueprint.counts_segmentation import (
    seg_unet_flops,
    seg_unet_layers,
    segformer_flops,
    segformer_layers,
)
from metagen.blueprint.counts_source import required_dims
from metagen.blueprint.counts_tagger import (
    sequence_tagger_flops,
    sequence_tagger_layers,
)
from metagen.blueprint.counts_task_encoders import (
    series_cnn_flops,
    series_cnn_layers,
    tabular_mlp_flops,
    tabular_mlp_layers,
    text_encoder_flops,
    text_encoder_layers,
)
from metagen.blueprint.counts_unet import unet_flops, unet_layers
from metagen.blueprint.counts_video import (
    video_cnn_flops,
    video_cnn_layers,
    video_diffusion_flops,
    video_diffusion_layers,
    video_transformer_flops,
    video_transformer_layers,
)
from metagen.blueprint.counts_vit import hybrid_vit_flops, hybrid_vit_layers, vit_flops, vit_layers


@dataclass(frozen=True)
class _ArchCounts:
    layers: Callable[[Dims], dict[str, int]]  # parameters per layer path
    flops: Callable[[Dims, int | None], int]  # forward FLOPs of one sample


ARCH_COUNTS: dict[str, _ArchCounts] = {
    "decoder_lm": _ArchCounts(decoder_lm_layers, decoder_lm_flops),
    "encoder_mlm": _ArchCounts(encoder_mlm_layers, encoder_mlm_flops),
    "vit": _ArchCounts(vit_layers, vit_flops),
    "resnet": _ArchCounts(resnet_layers, resnet_flops),
    "unet": _ArchCounts(unet_layers, unet_flops),
    "hybrid_vit": _ArchCounts(hybrid_vit_layers, hybrid_vit_flops),
    "audio_transformer": _ArchCounts(audio_transformer_layers, audio_transformer_flops),
    "audio_lm": _ArchCounts(audio_lm_layers, audio_lm_flops),
    "video_transformer": _ArchCounts(video_transformer_layers, video_transformer_flops),
    "video_cnn": _ArchCounts(video_cnn_layers, video_cnn_flops),
    "video_diffusion": _ArchCounts(video_diffusion_layers, video_diffusion_flops),
    "clip": _ArchCounts(clip_layers, clip_flops),
    "vlm": _ArchCounts(vlm_layers, vlm_flops),
    "yolo": _ArchCounts(yolo_layers, yolo_flops),
    "detr": _ArchCounts(detr_layers, detr_flops),
    "condinst": _ArchCounts(condinst_layers, condinst_flops),
    "tabular_mlp": _ArchCounts(tabular_mlp_layers, tabular_mlp_flops),
    "text_encoder": _ArchCounts(text_encoder_layers, text_encoder_flops),
    "series_cnn": _ArchCounts(series_cnn_layers, series_cnn_flops),
    "speech_encoder_decoder": _ArchCounts(speech_seq2seq_layers, speech_seq2seq_flops),
    "speech_ctc": _ArchCounts(speech_ctc_layers, speech_ctc_flops),
    "tft": _ArchCounts(tft_layers, tft_flops),
    "patchtst": _ArchCounts(patchtst_layers, patchtst_flops),
    "rnn_forecaster": _ArchCounts(rnn_forecaster_layers, rnn_forecaster_flops),
    "dlinear": _ArchCounts(dlinear_layers, dlinear_flops),
    "nbeats": _ArchCounts(nbeats_layers, nbeats_flops),
    "sequence_tagger": _ArchCounts(sequence_tagger_layers, sequence_tagger_flops),
    "anomaly_autoencoder": _ArchCounts(anomaly_autoencoder_layers, anomaly_autoencoder_flops),
    "seg_unet": _ArchCounts(seg_unet_layers, seg_unet_flops),
    "segformer": _ArchCounts(segformer_layers, segformer_flops),
}


def _counts_for(arch: str, dims: Dims) -> _ArchCounts:
    if arch not in ARCH_COUNTS:
        raise ValueError(f"no counts for arch {arch!r}; known: {sorted(ARCH_COUNTS)}")
    counts = ARCH_COUNTS[arch]
    missing = [key for key in required_dims(arch) if key not in dims]
    if missing:
        raise ValueError(f"{arch} dims lack {missing}")
    return counts


def count_layer_params(arch: str, dims: Dims) -> dict[str, int]:
    """Exact parameters per layer, keyed by the layer's module path in the built model
    ("token_embedding", "blocks.0", ..., "stage2.1", "head"). A tied LM head counts 0."""
    return _counts_for(arch, dims).layers(dims)


def count_params(arch: str, dims: Dims) -> dict[str, int]:
    """Exact parameters per component, in model order: the components are the model's
    top-level submodules, named by the first part of each layer path."""
    components: dict[str, int] = {}
    for name, n in count_layer_params(arch, dims).items():
        component = name.split(".")[0]
        components[component] = components.get(component, 0) + n
    return components


def count_flops(
    arch: str, dims: Dims, *, seq_len: int | None = None, image_size: int | None = None
) -> int:
    """Forward FLOPs for one sample: a sequence of seq_len tokens (default context_length) for
    an LM; one image for ViT and ResNet (image_size overrides the dims' image_size)."""
    if image_size is not None:
        dims = {**dims, "image_size": image_size}
    return _counts_for(arch, dims).flops(dims, seq_len)


def count_kv_cache_bytes(
    dims: Dims, context_length: int, bytes_per_element: int, batch_size: int = 1
) -> int:
    """Bytes of a decoder_lm's KV cache holding context_length positions of batch_size rows."""
    head_dim = dims["d_model"] // dims["n_heads"]
    per_position = 2 * dims["n_layers"] * dims["n_kv_heads"] * head_dim  # keys and values
    return batch_size * context_length * per_position * bytes_per_element
