"""Exact parameter counts, forward FLOPs and KV-cache sizes, from dims alone.

Pure Python: `metagen plan` runs without torch. The tests check every number here against
the modules in `metagen.nn` (`sum(p.numel())` per submodule) and against
`torch.utils.flop_counter.FlopCounterMode`. FLOPs follow that counter: 2*m*n*k per matmul
(biases, norms, activations, pooling and embeddings are free), 2 * output pixels * kernel
area * c_in * c_out per convolution, and 4 * heads * T_q * T_k * head_dim per attention call,
with no discount for the causal mask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from metagen.blueprint.counts_anomaly import (
    ANOMALY_AUTOENCODER_REQUIRED,
    anomaly_autoencoder_flops,
    anomaly_autoencoder_layers,
)
from metagen.blueprint.counts_asr import (
    SPEECH_CTC_DIMS,
    SPEECH_SEQ2SEQ_DIMS,
    speech_ctc_flops,
    speech_ctc_layers,
    speech_seq2seq_flops,
    speech_seq2seq_layers,
)
from metagen.blueprint.counts_audio import (
    AUDIO_LM_DIMS,
    AUDIO_TRANSFORMER_DIMS,
    audio_lm_flops,
    audio_lm_layers,
    audio_transformer_flops,
    audio_transformer_layers,
)
from metagen.blueprint.counts_detection import (
    CONDINST_REQUIRED,
    DETR_REQUIRED,
    YOLO_REQUIRED,
    condinst_flops,
    condinst_layers,
    detr_flops,
    detr_layers,
    yolo_flops,
    yolo_layers,
)
from metagen.blueprint.counts_encoder_mlm import (
    ENCODER_MLM_REQUIRED,
    encoder_mlm_flops,
    encoder_mlm_layers,
)
from metagen.blueprint.counts_forecast import (
    DLINEAR_REQUIRED,
    NBEATS_REQUIRED,
    PATCHTST_REQUIRED,
    RNN_FORECASTER_REQUIRED,
    TFT_REQUIRED,
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
    CLIP_REQUIRED,
    VLM_REQUIRED,
    clip_flops,
    clip_layers,
    vlm_flops,
    vlm_layers,
)
from metagen.blueprint.counts_segmentation import (
    SEG_UNET_REQUIRED,
    SEGFORMER_REQUIRED,
    seg_unet_flops,
    seg_unet_layers,
    segformer_flops,
    segformer_layers,
)
from metagen.blueprint.counts_tagger import (
    SEQUENCE_TAGGER_REQUIRED,
    sequence_tagger_flops,
    sequence_tagger_layers,
)
from metagen.blueprint.counts_task_encoders import (
    SERIES_CNN_REQUIRED,
    TABULAR_MLP_REQUIRED,
    TEXT_ENCODER_REQUIRED,
    series_cnn_flops,
    series_cnn_layers,
    tabular_mlp_flops,
    tabular_mlp_layers,
    text_encoder_flops,
    text_encoder_layers,
)
from metagen.blueprint.counts_unet import (
    HYBRID_VIT_REQUIRED,
    UNET_REQUIRED,
    hybrid_vit_flops,
    hybrid_vit_layers,
    unet_flops,
    unet_layers,
)
from metagen.blueprint.counts_video import (
    VIDEO_CNN_REQUIRED,
    VIDEO_DIFFUSION_REQUIRED,
    VIDEO_TRANSFORMER_REQUIRED,
    video_cnn_flops,
    video_cnn_layers,
    video_diffusion_flops,
    video_diffusion_layers,
    video_transformer_flops,
    video_transformer_layers,
)

Dims = dict[str, Any]

NORM_PARAMS_PER_CHANNEL = {"rmsnorm": 1, "layernorm": 2}  # scale; scale and bias
MLP_MATRICES = {"swiglu": 3, "gelu": 2}
LEARNED_POSITION_TABLE = {"rope": False, "learned": True}
VIT_EXTRA_TOKENS = {"cls": 1, "mean": 0}
RESNET_EXPANSION = {"basic": 1, "bottleneck": 4}
RESNET_STEM_CONV = {"imagenet": (7, 2), "cifar": (3, 1)}  # (kernel, stride)
RESNET_STEM_MAXPOOL = {"imagenet": True, "cifar": False}  # 3x3, stride 2, padding 1


def _pick(table: dict[str, Any], dims: Dims, key: str) -> Any:
    """table[dims[key]], or a ValueError that names the value and the choices."""
    value = dims[key]
    if value not in table:
        raise ValueError(f"{key} must be one of {sorted(table)}, got {value!r}")
    return table[value]


def _linear(d_in: int, d_out: int, bias: bool) -> int:
    return d_in * d_out + (d_out if bias else 0)


def _conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    """A conv without bias, then BatchNorm (scale and shift)."""
    return c_in * c_out * kernel * kernel + 2 * c_out


def _conv_out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


# --- decoder_lm ------------------------------------------------------------------------------


def _lm_block_params(d: Dims) -> int:
    dm, ff, bias = d["d_model"], d["d_ff"], d["bias"]
    kv_dim = d["n_kv_heads"] * (dm // d["n_heads"])
    attention = _linear(dm, dm + 2 * kv_dim, bias) + _linear(dm, dm, bias)
    mlp_in = (_pick(MLP_MATRICES, d, "mlp") - 1) * _linear(dm, ff, bias)
    mlp = mlp_in + _linear(ff, dm, bias)
    norms = 2 * _pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm
    return attention + mlp + norms


def _lm_layers(d: Dims) -> dict[str, int]:
    dm, vocab = d["d_model"], d["vocab_size"]
    layers = {"token_embedding": vocab * dm}
    if _pick(LEARNED_POSITION_TABLE, d, "position"):
        layers["position_embedding"] = d["context_length"] * dm
    block = _lm_block_params(d)
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = _pick(NORM_PARAMS_PER_CHANNEL, d, "norm") * dm
    layers["lm_head"] = 0 if d["tie_embeddings"] else vocab * dm  # tied: shares the embedding
    return layers


def _lm_flops(d: Dims, seq_len: int | None) -> int:
    t = d["context_length"] if seq_len is None else seq_len
    dm, ff = d["d_model"], d["d_ff"]
    kv_dim = d["n_kv_heads"] * (dm // d["n_heads"])
    projections = 2 * t * dm * (dm + 2 * kv_dim) + 2 * t * dm * dm
    attention = 4 * t * t * dm  # q @ k^T and scores @ v, over all query heads
    mlp = _pick(MLP_MATRICES, d, "mlp") * 2 * t * dm * ff
    head = 2 * t * dm * d["vocab_size"]
    return d["n_layers"] * (projections + attention + mlp) + head


# --- vit -------------------------------------------------------------------------------------


def _vit_tokens(d: Dims) -> tuple[int, int]:
    """(patches, tokens): tokens add the cls token when pooling by it."""
    patches = (d["image_size"] // d["patch_size"]) ** 2
    return patches, patches + _pick(VIT_EXTRA_TOKENS, d, "pool")


def _vit_layers(d: Dims) -> dict[str, int]:
    dm, ff = d["d_model"], d["d_ff"]
    patches, tokens = _vit_tokens(d)
    conv = d["in_channels"] * d["patch_size"] ** 2 * dm + dm
    cls = (tokens - patches) * dm
    block = _linear(dm, 3 * dm, True) + _linear(dm, dm, True)
    block += _linear(dm, ff, True) + _linear(ff, dm, True) + 2 * 2 * dm  # two LayerNorms
    layers = {"patch_embedding": conv + cls + tokens * dm}
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = _linear(dm, d["num_classes"], True)
    return layers


def _vit_flops(d: Dims, seq_len: int | None) -> int:
    dm, ff = d["d_model"], d["d_ff"]
    patches, t = _vit_tokens(d)
    patchify = 2 * patches * d["in_channels"] * d["patch_size"] ** 2 * dm
    block = 2 * t * dm * 3 * dm + 2 * t * dm * dm + 4 * t * t * dm + 2 * 2 * t * dm * ff
    return patchify + d["n_layers"] * block + 2 * dm * d["num_classes"]


# --- resnet ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Conv:
    """One conv of a ResNet, enough to count its parameters and FLOPs."""

    c_in: int
    c_out: int
    kernel: int
    stride: int = 1
    shortcut: bool = False  # reads the block's input, not the previous conv's output

    def out_size(self, size: int) -> int:
        return _conv_out(size, self.kernel, self.stride, self.kernel // 2)

    def flops(self, size: int) -> int:
        side = self.out_size(size)
        return 2 * side * side * self.kernel * self.kernel * self.c_in * self.c_out


def _resnet_block_convs(block: str, c_in: int, channels: int, stride: int) -> list[_Conv]:
    c_out = channels * RESNET_EXPANSION[block]
    if block == "basic":
        convs = [_Conv(c_in, channels, 3, stride), _Conv(channels, channels, 3)]
    else:  # bottleneck, with the stride on the 3x3 as in torchvision
        convs = [_Conv(c_in, channels, 1), _Conv(channels, channels, 3, stride)]
        convs.append(_Conv(channels, c_out, 1))
    if stride != 1 or c_in != c_out:
        convs.append(_Conv(c_in, c_out, 1, stride, shortcut=True))  # the downsample path
    return convs


def _resnet_convs(d: Dims) -> dict[str, list[_Conv]]:
    """Convs per layer name: stem, stage{i}.{j}."""
    expansion = _pick(RESNET_EXPANSION, d, "block")
    kernel, stride = _pick(RESNET_STEM_CONV, d, "stem")
    if len(d["layers"]) != 4:
        raise ValueError(f"layers must list 4 stage depths, got {list(d['layers'])}")
    w = d["width"]
    layers = {"stem": [_Conv(d["in_channels"], w, kernel, stride)]}
    c_in = w
    for i, depth in enumerate(d["layers"]):
        channels = w * 2**i
        for j in range(depth):
            stride = 2 if i > 0 and j == 0 else 1
            layers[f"stage{i + 1}.{j}"] = _resnet_block_convs(d["block"], c_in, channels, stride)
            c_in = channels * expansion
    return layers


def _resnet_features(d: Dims) -> int:
    return 8 * d["width"] * _pick(RESNET_EXPANSION, d, "block")


def _resnet_layers(d: Dims) -> dict[str, int]:
    layers = {
        name: sum(_conv_bn(c.c_in, c.c_out, c.kernel) for c in convs)
        for name, convs in _resnet_convs(d).items()
    }
    layers["head"] = _linear(_resnet_features(d), d["num_classes"], True)
    return layers


def _resnet_flops(d: Dims, seq_len: int | None) -> int:
    if "image_size" not in d:
        raise ValueError("resnet dims need image_size to count FLOPs (or pass image_size=)")
    size, flops = d["image_size"], 0
    for name, convs in _resnet_convs(d).items():
        side = size  # the main path's current resolution
        for c in convs:
            flops += c.flops(size if c.shortcut else side)
            if not c.shortcut:
                side = c.out_size(side)
        if name == "stem" and _pick(RESNET_STEM_MAXPOOL, d, "stem"):
            side = _conv_out(side, 3, 2, 1)
        size = side
    return flops + 2 * _resnet_features(d) * d["num_classes"]


# --- dispatch --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ArchCounts:
    required: tuple[str, ...]  # the dims the counts read
    layers: Callable[[Dims], dict[str, int]]
    flops: Callable[[Dims, int | None], int]


ARCH_COUNTS: dict[str, _ArchCounts] = {
    "decoder_lm": _ArchCounts(
        (
            "vocab_size",
            "context_length",
            "d_model",
            "n_layers",
            "n_heads",
            "n_kv_heads",
            "d_ff",
            "norm",
            "mlp",
            "position",
            "bias",
            "tie_embeddings",
        ),
        _lm_layers,
        _lm_flops,
    ),
    "encoder_mlm": _ArchCounts(ENCODER_MLM_REQUIRED, encoder_mlm_layers, encoder_mlm_flops),
    "vit": _ArchCounts(
        (
            "image_size",
            "patch_size",
            "in_channels",
            "d_model",
            "n_layers",
            "d_ff",
            "num_classes",
            "pool",
        ),
        _vit_layers,
        _vit_flops,
    ),
    "resnet": _ArchCounts(
        ("block", "layers", "width", "in_channels", "num_classes", "stem"),
        _resnet_layers,
        _resnet_flops,
    ),
    "unet": _ArchCounts(UNET_REQUIRED, unet_layers, unet_flops),
    "hybrid_vit": _ArchCounts(HYBRID_VIT_REQUIRED, hybrid_vit_layers, hybrid_vit_flops),
    "audio_transformer": _ArchCounts(
        AUDIO_TRANSFORMER_DIMS, audio_transformer_layers, audio_transformer_flops
    ),
    "audio_lm": _ArchCounts(AUDIO_LM_DIMS, audio_lm_layers, audio_lm_flops),
    "video_transformer": _ArchCounts(
        VIDEO_TRANSFORMER_REQUIRED, video_transformer_layers, video_transformer_flops
    ),
    "video_cnn": _ArchCounts(VIDEO_CNN_REQUIRED, video_cnn_layers, video_cnn_flops),
    "video_diffusion": _ArchCounts(
        VIDEO_DIFFUSION_REQUIRED, video_diffusion_layers, video_diffusion_flops
    ),
    "clip": _ArchCounts(CLIP_REQUIRED, clip_layers, clip_flops),
    "vlm": _ArchCounts(VLM_REQUIRED, vlm_layers, vlm_flops),
    "yolo": _ArchCounts(YOLO_REQUIRED, yolo_layers, yolo_flops),
    "detr": _ArchCounts(DETR_REQUIRED, detr_layers, detr_flops),
    "condinst": _ArchCounts(CONDINST_REQUIRED, condinst_layers, condinst_flops),
    "tabular_mlp": _ArchCounts(TABULAR_MLP_REQUIRED, tabular_mlp_layers, tabular_mlp_flops),
    "text_encoder": _ArchCounts(TEXT_ENCODER_REQUIRED, text_encoder_layers, text_encoder_flops),
    "series_cnn": _ArchCounts(SERIES_CNN_REQUIRED, series_cnn_layers, series_cnn_flops),
    "speech_encoder_decoder": _ArchCounts(
        SPEECH_SEQ2SEQ_DIMS, speech_seq2seq_layers, speech_seq2seq_flops
    ),
    "speech_ctc": _ArchCounts(SPEECH_CTC_DIMS, speech_ctc_layers, speech_ctc_flops),
    "tft": _ArchCounts(TFT_REQUIRED, tft_layers, tft_flops),
    "patchtst": _ArchCounts(PATCHTST_REQUIRED, patchtst_layers, patchtst_flops),
    "rnn_forecaster": _ArchCounts(
        RNN_FORECASTER_REQUIRED, rnn_forecaster_layers, rnn_forecaster_flops
    ),
    "dlinear": _ArchCounts(DLINEAR_REQUIRED, dlinear_layers, dlinear_flops),
    "nbeats": _ArchCounts(NBEATS_REQUIRED, nbeats_layers, nbeats_flops),
    "sequence_tagger": _ArchCounts(
        SEQUENCE_TAGGER_REQUIRED, sequence_tagger_layers, sequence_tagger_flops
    ),
    "anomaly_autoencoder": _ArchCounts(
        ANOMALY_AUTOENCODER_REQUIRED, anomaly_autoencoder_layers, anomaly_autoencoder_flops
    ),
    "seg_unet": _ArchCounts(SEG_UNET_REQUIRED, seg_unet_layers, seg_unet_flops),
    "segformer": _ArchCounts(SEGFORMER_REQUIRED, segformer_layers, segformer_flops),
}


def _counts_for(arch: str, dims: Dims) -> _ArchCounts:
    if arch not in ARCH_COUNTS:
        raise ValueError(f"no counts for arch {arch!r}; known: {sorted(ARCH_COUNTS)}")
    counts = ARCH_COUNTS[arch]
    missing = [key for key in counts.required if key not in dims]
    if missing:
        raise ValueError(f"{arch} dims lack {missing}")
    return counts


def count_layer_params(arch: str, dims: Dims) -> dict[str, int]:
    """Exact parameters per layer, keyed by the layer's module path in the built model
    ("token_embedding", "blocks.0", ..., "stage2.1", "head"). A tied LM head counts 0."""
    return _counts_for(arch, dims).layers(dims)


def count_params(arch: str, dims: Dims) -> dict[str, int]:
    """Exact parameters per component (the model's top-level submodules), in model order.

    decoder_lm: token_embedding, position_embedding (learned positions only), blocks,
    final_norm, lm_head (0 when tied). vit: patch_embedding (conv, cls token and position
    table), blocks, final_norm, head. resnet: stem, stage1..stage4, head.
    """
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
