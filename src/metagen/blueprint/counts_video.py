"""Exact parameters and forward FLOPs of the video models, from dims alone (pure Python).

video_transformer: divided space-time attention (TimeSformer). video_cnn: 3D ResNet (R3D).
video_diffusion: the space-time transformer noise predictor (one denoiser evaluation).
FLOPs follow the conventions of `counts.py` (FlopCounterMode's): 2*m*n*k per matmul, 2 *
output voxels * kernel volume * c_in * c_out per conv, 4 * T_q * T_k * d per attention call.
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

VIDEO_CNN_EXPANSION = {"basic": 1, "bottleneck": 4}
# stem -> (kernel, stride), each (time, height, width); as archs/video_cnn/model.py VIDEO_CNN_STEMS
VIDEO_CNN_STEM = {"kinetics": ((3, 7, 7), (1, 2, 2)), "small": ((3, 3, 3), (1, 1, 1))}


def _choice(table: dict[str, Any], dims: Dims, key: str) -> Any:
    value = dims[key]
    if value not in table:
        raise ValueError(f"{key} must be one of {sorted(table)}, got {value!r}")
    return table[value]


def _linear(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out  # with bias


# --- video_transformer -----------------------------------------------------------------------


def video_transformer_grid(d: Dims) -> tuple[int, int]:
    """(time steps, patches per frame) of the token grid."""
    height, width = d["resolution"]
    p = d["patch_size"]
    return d["num_frames"] // d["tubelet_size"], (height // p) * (width // p)


def video_transformer_layers(d: Dims) -> dict[str, int]:
    dm, ff = d["d_model"], d["d_ff"]
    steps, patches = video_transformer_grid(d)
    tubelet = d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2
    attention = _linear(dm, 3 * dm) + _linear(dm, dm)
    # temporal attention, spatial attention, MLP, and three LayerNorms (scale and bias)
    block = 2 * attention + _linear(dm, ff) + _linear(ff, dm) + 3 * 2 * dm
    layers = {
        "patch_embedding": tubelet * dm + dm + patches * dm,
        "temporal_embedding": steps * dm,
    }
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = _linear(dm, d["num_classes"])
    return layers


def video_transformer_flops(d: Dims, seq_len: int | None = None) -> int:
    dm, ff = d["d_model"], d["d_ff"]
    steps, patches = video_transformer_grid(d)
    tokens = steps * patches
    embed = 2 * tokens * d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2 * dm
    projections = 2 * (2 * tokens * dm * 3 * dm + 2 * tokens * dm * dm)  # both attentions
    temporal = 4 * patches * steps * steps * dm  # one sequence of `steps` per patch
    spatial = 4 * steps * patches * patches * dm  # one sequence of `patches` per time step
    mlp = 2 * 2 * tokens * dm * ff
    block = projections + temporal + spatial + mlp
    return embed + d["n_layers"] * block + 2 * dm * d["num_classes"]


# --- video_diffusion -------------------------------------------------------------------------

VIDEO_TIMESTEP_FEATURES = 256  # as archs/video_diffusion/model.py


def _vit_block(d: int) -> int:
    """A pre-norm transformer block with a 4x GELU MLP and biases (the caption encoder's)."""
    return _linear(d, 3 * d) + _linear(d, d) + _linear(d, 4 * d) + _linear(4 * d, d) + 4 * d


def _divided_block(dm: int, ff: int) -> int:
    attention = _linear(dm, 3 * dm) + _linear(dm, dm)
    return 2 * attention + _linear(dm, ff) + _linear(ff, dm) + 3 * 2 * dm


def video_diffusion_layers(d: Dims) -> dict[str, int]:
    dm, cd, length = d["d_model"], d["caption_d_model"], d["caption_length"]
    steps, patches = video_transformer_grid(d)
    tubelet = d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2
    cond = bool(d["text_conditioning"])
    layers = {
        "time_embedding": _linear(VIDEO_TIMESTEP_FEATURES, dm) + _linear(dm, dm),
    }
    if cond:  # embeddings, positions, blocks, final norm, pooled projection
        embeddings = d["caption_vocab_size"] * cd + length * cd
        blocks = d["caption_n_layers"] * _vit_block(cd)
        layers["caption_encoder"] = embeddings + blocks + 2 * cd + _linear(cd, dm)
    layers["patch_embedding"] = tubelet * dm + dm + patches * dm
    layers["temporal_embedding"] = steps * dm
    block = _divided_block(dm, d["d_ff"]) + _linear(dm, dm)  # + the timestep projection
    if cond:
        block += 2 * dm + 2 * _linear(dm, dm) + _linear(cd, 2 * dm)  # cross-attention
    layers.update({f"blocks.{i}": block for i in range(d["n_layers"])})
    layers["final_norm"] = 2 * dm
    layers["head"] = _linear(dm, tubelet)
    return layers


def video_diffusion_flops(d: Dims, seq_len: int | None = None) -> int:
    dm, ff, cd, length = d["d_model"], d["d_ff"], d["caption_d_model"], d["caption_length"]
    steps, patches = video_transformer_grid(d)
    tokens = steps * patches
    tubelet = d["in_channels"] * d["tubelet_size"] * d["patch_size"] ** 2
    flops = 2 * VIDEO_TIMESTEP_FEATURES * dm + 2 * dm * dm  # timestep embedding
    flops += 2 * tokens * tubelet * dm  # tubelet embedding
    block = 2 * dm * dm  # timestep projection, once per clip
    block += 2 * (2 * tokens * dm * 3 * dm + 2 * tokens * dm * dm)  # both self-attentions
    block += 4 * patches * steps * steps * dm + 4 * steps * patches * patches * dm
    block += 2 * 2 * tokens * dm * ff  # MLP
    if d["text_conditioning"]:
        caption_block = 2 * length * cd * 4 * cd + 4 * length * length * cd
        caption_block += 2 * 2 * length * cd * 4 * cd
        flops += d["caption_n_layers"] * caption_block + 2 * cd * dm  # + the pooled projection
        block += 2 * 2 * tokens * dm * dm + 2 * length * cd * 2 * dm + 4 * tokens * length * dm
    flops += d["n_layers"] * block
    return flops + 2 * tokens * dm * tubelet  # head


# --- video_cnn -------------------------------------------------------------------------------


def _conv_out(size: int, kernel: int, stride: int) -> int:
    return (size + 2 * (kernel // 2) - kernel) // stride + 1


def _volume(kernel: tuple[int, ...]) -> int:
    t, h, w = kernel
    return t * h * w


def _video_cnn_convs(d: Dims) -> dict[str, list[tuple]]:
    """Per layer name: (c_in, c_out, kernel, stride, shortcut) of each conv, in order."""
    expansion = _choice(VIDEO_CNN_EXPANSION, d, "block")
    kernel, stride = _choice(VIDEO_CNN_STEM, d, "stem")
    if len(d["layers"]) != 4:
        raise ValueError(f"layers must list 4 stage depths, got {list(d['layers'])}")
    w = d["width"]
    layers = {"stem": [(d["in_channels"], w, kernel, stride, False)]}
    c_in, k3, k1 = w, (3, 3, 3), (1, 1, 1)
    for i, depth in enumerate(d["layers"]):
        channels = w * 2**i
        c_out = channels * expansion
        for j in range(depth):
            s = (2, 2, 2) if i > 0 and j == 0 else (1, 1, 1)
            if d["block"] == "basic":
                convs = [(c_in, channels, k3, s, False), (channels, channels, k3, k1, False)]
            else:
                convs = [
                    (c_in, channels, k1, k1, False),
                    (channels, channels, k3, s, False),
                    (channels, c_out, k1, k1, False),
                ]
            if s != k1 or c_in != c_out:
                convs.append((c_in, c_out, k1, s, True))
            layers[f"stage{i + 1}.{j}"] = convs
            c_in = c_out
    return layers


def _video_cnn_features(d: Dims) -> int:
    return 8 * d["width"] * _choice(VIDEO_CNN_EXPANSION, d, "block")


def video_cnn_layers(d: Dims) -> dict[str, int]:
    layers = {
        name: sum(c_in * c_out * _volume(kernel) + 2 * c_out for c_in, c_out, kernel, _, _ in convs)
        for name, convs in _video_cnn_convs(d).items()
    }
    layers["head"] = _linear(_video_cnn_features(d), d["num_classes"])
    return layers


def video_cnn_flops(d: Dims, seq_len: int | None = None) -> int:
    size = (d["num_frames"], *d["resolution"])  # the main path's (T, H, W)
    flops = 0
    for convs in _video_cnn_convs(d).values():
        side = size
        for c_in, c_out, kernel, stride, shortcut in convs:
            source = size if shortcut else side
            out = tuple(_conv_out(n, k, s) for n, k, s in zip(source, kernel, stride, strict=True))
            flops += 2 * out[0] * out[1] * out[2] * _volume(kernel) * c_in * c_out
            if not shortcut:
                side = out
        size = side
    return flops + 2 * _video_cnn_features(d) * d["num_classes"]


VIDEO_TRANSFORMER_REQUIRED = (
    "num_frames",
    "resolution",
    "tubelet_size",
    "patch_size",
    "in_channels",
    "d_model",
    "n_layers",
    "d_ff",
    "num_classes",
)
VIDEO_DIFFUSION_REQUIRED = VIDEO_TRANSFORMER_REQUIRED[:-1] + (
    "n_heads",
    "text_conditioning",
    "caption_vocab_size",
    "caption_length",
    "caption_d_model",
    "caption_n_layers",
)
VIDEO_CNN_REQUIRED = (
    "block",
    "layers",
    "width",
    "in_channels",
    "num_classes",
    "stem",
    "num_frames",
    "resolution",
)
