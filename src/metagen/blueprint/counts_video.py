"""Exact parameters and forward FLOPs of the video models, from dims alone (pure Python).

video_transformer: divided space-time attention (TimeSformer). video_cnn: 3D ResNet (R3D).
video_diffusion: the space-time transformer noise predictor (one denoiser evaluation).
"""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    attention_flops,
    attention_params,
    gelu_mlp_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_pieces import (
    conv,
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
    mlp_flops,
    stack,
)
from metagen.blueprint.counts_resnet import (
    RESNET_EXPANSION,
    Conv,
    resnet_convs,
    resnet_features,
    resnet_walk_flops,
)
from metagen.blueprint.counts_source import model_constant
from metagen.blueprint.counts_unet import caption_encoder_flops, caption_encoder_params


def video_transformer_grid(d: Dims) -> tuple[int, int]:
    """(time steps, patches per frame) of the token grid."""
    height, width = d["resolution"]
    p = d["patch_size"]
    return d["num_frames"] // d["tubelet_size"], (height // p) * (width // p)


def _tubelet(d: Dims) -> tuple[int, int, int]:
    """The tubelet embedding's kernel (time, height, width)."""
    return d["tubelet_size"], d["patch_size"], d["patch_size"]


def _embedding_layers(d: Dims) -> dict[str, int]:
    dm = d["d_model"]
    steps, patches = video_transformer_grid(d)
    patchify = conv(d["in_channels"], dm, _tubelet(d))
    return {"patch_embedding": patchify + patches * dm, "temporal_embedding": steps * dm}


def _divided_block(dm: int, ff: int) -> int:
    """Temporal attention, spatial attention, the MLP and three LayerNorms."""
    return 2 * attention_params(dm) + gelu_mlp_params(dm, ff) + 3 * layer_norm(dm)


def _divided_block_flops(d: Dims) -> int:
    dm = d["d_model"]
    steps, patches = video_transformer_grid(d)
    tokens = steps * patches
    projections = 2 * (linear_flops(tokens, dm, 3 * dm) + linear_flops(tokens, dm, dm))
    temporal = patches * attention_flops(steps, dm)  # one sequence of `steps` per patch
    spatial = steps * attention_flops(patches, dm)  # one sequence of `patches` per step
    return projections + temporal + spatial + mlp_flops(tokens, dm, d["d_ff"])


def _embedding_flops(d: Dims) -> int:
    steps, patches = video_transformer_grid(d)
    tubelet = d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2
    return linear_flops(steps * patches, tubelet, d["d_model"])


# --- video_transformer -----------------------------------------------------------------------


def video_transformer_layers(d: Dims) -> dict[str, int]:
    dm = d["d_model"]
    layers = _embedding_layers(d)
    layers.update(stack("blocks", d["n_layers"], _divided_block(dm, d["d_ff"])))
    layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(dm, d["num_classes"])
    return layers


def video_transformer_flops(d: Dims, seq_len: int | None = None) -> int:
    blocks = d["n_layers"] * _divided_block_flops(d)
    return _embedding_flops(d) + blocks + linear_flops(1, d["d_model"], d["num_classes"])


# --- video_diffusion -------------------------------------------------------------------------


def _timestep_features() -> int:
    return int(model_constant("video_diffusion", "VIDEO_TIMESTEP_FEATURES"))


def video_diffusion_layers(d: Dims) -> dict[str, int]:
    dm, cd = d["d_model"], d["caption_d_model"]
    tubelet = d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2
    cond = bool(d["text_conditioning"])
    layers = {"time_embedding": linear(_timestep_features(), dm) + linear(dm, dm)}
    if cond:
        layers["caption_encoder"] = caption_encoder_params(d, dm)
    layers.update(_embedding_layers(d))
    block = _divided_block(dm, d["d_ff"]) + linear(dm, dm)  # + the timestep projection
    if cond:
        block += layer_norm(dm) + cross_attention_params(dm, cd)
    layers.update(stack("blocks", d["n_layers"], block))
    layers["final_norm"] = layer_norm(dm)
    layers["head"] = linear(dm, tubelet)
    return layers


def video_diffusion_flops(d: Dims, seq_len: int | None = None) -> int:
    dm, cd = d["d_model"], d["caption_d_model"]
    steps, patches = video_transformer_grid(d)
    tokens = steps * patches
    tubelet = d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2
    flops = linear_flops(1, _timestep_features(), dm) + linear_flops(1, dm, dm)
    flops += _embedding_flops(d)
    block = linear_flops(1, dm, dm) + _divided_block_flops(d)  # timestep projection once
    if d["text_conditioning"]:
        flops += caption_encoder_flops(d, dm)
        block += cross_attention_flops(tokens, d["caption_length"], dm, cd)
    flops += d["n_layers"] * block
    return flops + linear_flops(tokens, dm, tubelet)  # head


# --- video_cnn -------------------------------------------------------------------------------


def _video_cnn_convs(d: Dims) -> dict[str, list[Conv]]:
    pick(RESNET_EXPANSION, d, "block")
    kernel, stride = pick(model_constant("video_cnn", "VIDEO_CNN_STEMS"), d, "stem")
    if len(d["layers"]) != 4:
        raise ValueError(f"layers must list 4 stage depths, got {list(d['layers'])}")
    stem = Conv(d["in_channels"], d["width"], kernel, stride)
    return resnet_convs(d["block"], d["layers"], d["width"], stem)


def video_cnn_layers(d: Dims) -> dict[str, int]:
    convs = _video_cnn_convs(d)
    layers = {name: sum(c.params() for c in layer) for name, layer in convs.items()}
    layers["head"] = linear(resnet_features(d["width"], d["block"]), d["num_classes"])
    return layers


def video_cnn_flops(d: Dims, seq_len: int | None = None) -> int:
    size = (d["num_frames"], *d["resolution"])  # (T, H, W)
    flops, _ = resnet_walk_flops(_video_cnn_convs(d), size, pool=False)
    features = resnet_features(d["width"], d["block"])
    return flops + linear_flops(1, features, d["num_classes"])
