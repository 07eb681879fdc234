"""Exact parameters and forward FLOPs of the detectors, from dims alone (pure Python).

yolo: YOLOv8's layout (archs/yolo/model.py). detr: DETR (archs/detr/model.py). FLOPs follow `counts.py`
(FlopCounterMode's): 2 * output pixels * kernel area * c_in * c_out per conv, 2*m*n*k per
matmul, 4 * T_q * T_k * d per attention call; pooling, upsampling and norms are free.
"""

from __future__ import annotations

from typing import Any

Dims = dict[str, Any]

YOLO_STRIDES = (8, 16, 32)  # as archs/yolo/model.py
YOLO_REQUIRED = (
    "image_size",
    "in_channels",
    "num_classes",
    "channels",
    "c2f_blocks",
    "neck_blocks",
    "reg_max",
)
DETR_REQUIRED = (
    "image_size",
    "in_channels",
    "num_classes",
    "backbone_block",
    "backbone_layers",
    "backbone_width",
    "backbone_stem",
    "d_model",
    "n_heads",
    "encoder_layers",
    "decoder_layers",
    "d_ff",
    "num_queries",
)


def _conv_bn(c_in: int, c_out: int, kernel: int) -> int:
    """A bias-free conv and its BatchNorm (scale and shift)."""
    return c_in * c_out * kernel * kernel + 2 * c_out


def _conv_flops(side: int, c_in: int, c_out: int, kernel: int) -> int:
    """A conv's FLOPs at output resolution side x side."""
    return 2 * side * side * kernel * kernel * c_in * c_out


def _linear(d_in: int, d_out: int) -> int:
    return d_in * d_out + d_out


# --- yolo ------------------------------------------------------------------------------------


def _c2f(c_in: int, c_out: int, n: int) -> tuple[int, int]:
    """(params, FLOPs per output pixel) of a C2f stage."""
    c = c_out // 2
    params = _conv_bn(c_in, 2 * c, 1) + _conv_bn((2 + n) * c, c_out, 1)
    params += n * 2 * _conv_bn(c, c, 3)
    flops = 2 * (c_in * 2 * c + (2 + n) * c * c_out + n * 2 * 9 * c * c)
    return params, flops


def _sppf(c_in: int, c_out: int) -> tuple[int, int]:
    hidden = c_in // 2
    params = _conv_bn(c_in, hidden, 1) + _conv_bn(4 * hidden, c_out, 1)
    return params, 2 * (c_in * hidden + 4 * hidden * c_out)


def yolo_head_widths(d: Dims) -> tuple[int, int]:
    """As archs/yolo/model.py: the box and class branches' hidden widths."""
    p3, reg_max = d["channels"][2], d["reg_max"]
    return max(16, p3 // 4, 4 * reg_max), max(p3, min(d["num_classes"], 100))


def _yolo_parts(d: Dims) -> dict[str, tuple[int, int, int]]:
    """Layer path -> (params, FLOPs per output pixel, stride of the output)."""
    c1, c2, c3, c4, c5 = d["channels"]
    b2, b3, b4, b5 = d["c2f_blocks"]
    n = d["neck_blocks"]

    def down(c_in: int, c_out: int) -> tuple[int, int]:  # a stride-2 3x3 YoloConv
        return _conv_bn(c_in, c_out, 3), 2 * 9 * c_in * c_out

    def stage(c_in: int, c_out: int, blocks: int, sppf: bool = False) -> tuple[int, int]:
        parts = [down(c_in, c_out), _c2f(c_out, c_out, blocks)]
        parts += [_sppf(c_out, c_out)] if sppf else []
        return sum(p for p, _ in parts), sum(f for _, f in parts)

    parts = {
        "backbone.p1": (*down(d["in_channels"], c1), 2),
        "backbone.p2": (*stage(c1, c2, b2), 4),
        "backbone.p3": (*stage(c2, c3, b3), 8),
        "backbone.p4": (*stage(c3, c4, b4), 16),
        "backbone.p5": (*stage(c4, c5, b5, sppf=True), 32),
        "neck.top_down4": (*_c2f(c5 + c4, c4, n), 16),
        "neck.top_down3": (*_c2f(c4 + c3, c3, n), 8),
        "neck.down3": (*down(c3, c3), 16),
        "neck.bottom_up4": (*_c2f(c3 + c4, c4, n), 16),
        "neck.down4": (*down(c4, c4), 32),
        "neck.bottom_up5": (*_c2f(c4 + c5, c5, n), 32),
    }
    box_hidden, cls_hidden = yolo_head_widths(d)
    for branch, hidden, out in (
        ("box", box_hidden, 4 * d["reg_max"]),
        ("cls", cls_hidden, d["num_classes"]),
    ):
        for i, (c, stride) in enumerate(zip((c3, c4, c5), YOLO_STRIDES, strict=True)):
            params = _conv_bn(c, hidden, 3) + _conv_bn(hidden, hidden, 3) + _linear(hidden, out)
            flops = 2 * (9 * c * hidden + 9 * hidden * hidden + hidden * out)
            parts[f"head.{branch}.{i}"] = (params, flops, stride)
    return parts


def yolo_layers(d: Dims) -> dict[str, int]:
    layers = {name: params for name, (params, _, _) in _yolo_parts(d).items()}
    layers["head.dfl"] = d["reg_max"]  # the fixed projection (YOLOv8 counts it)
    return layers


def yolo_flops(d: Dims, seq_len: int | None = None) -> int:
    size = d["image_size"]
    cells = sum((size // stride) ** 2 for stride in YOLO_STRIDES)
    dfl = 2 * 4 * cells * d["reg_max"]  # a 1x1 conv from reg_max bins to 1, per side and cell
    return dfl + sum(f * (size // stride) ** 2 for _, f, stride in _yolo_parts(d).values())


# --- condinst ---------------------------------------------------------------------------------

CONDINST_MASK_CHANNELS = 8  # as archs/condinst/model.py
CONDINST_DYNAMIC_PARAMS = 169  # (8 + 2) * 8 + 8 + 8 * 8 + 8 + 8 + 1
CONDINST_REQUIRED = YOLO_REQUIRED


def _condinst_parts(d: Dims) -> dict[str, tuple[int, int]]:
    """The layers CondInst adds to the detector: (params, FLOPs)."""
    c3, size = d["channels"][2], d["image_size"]
    hidden = max(c3 // 4, 32)
    parts = {}
    for i, (c, stride) in enumerate(zip(d["channels"][2:], YOLO_STRIDES, strict=True)):
        params = (
            _conv_bn(c, hidden, 3)
            + _conv_bn(hidden, hidden, 3)
            + _linear(hidden, CONDINST_DYNAMIC_PARAMS)
        )
        flops = 2 * (9 * c * hidden + 9 * hidden * hidden + hidden * CONDINST_DYNAMIC_PARAMS)
        parts[f"controller.{i}"] = (params, flops * (size // stride) ** 2)
    p3, p4 = (size // 8) ** 2, (size // 4) ** 2
    params = (
        _conv_bn(c3, c3, 3)
        + c3 * c3 * 4
        + c3
        + _conv_bn(c3, c3, 3)
        + _linear(c3, CONDINST_MASK_CHANNELS)
    )
    # The transposed conv's FLOPs count its input pixels, as FlopCounterMode does.
    flops = (
        2 * p3 * 9 * c3 * c3
        + 2 * p3 * 4 * c3 * c3
        + 2 * p4 * 9 * c3 * c3
        + 2 * p4 * c3 * CONDINST_MASK_CHANNELS
    )
    parts["mask_branch"] = (params, flops)
    return parts


def condinst_layers(d: Dims) -> dict[str, int]:
    return {**yolo_layers(d), **{k: p for k, (p, _) in _condinst_parts(d).items()}}


def condinst_flops(d: Dims, seq_len: int | None = None) -> int:
    return yolo_flops(d) + sum(f for _, f in _condinst_parts(d).values())


# --- detr ------------------------------------------------------------------------------------

DETR_EXPANSION = {"basic": 1, "bottleneck": 4}
# stem -> (kernel, stride, max-pool), as archs/resnet/model.py
DETR_STEMS = {"imagenet": (7, 2, True), "cifar": (3, 1, False)}


def _out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _resnet_block(block: str, c_in: int, c: int, stride: int, size: int) -> tuple[int, int, int]:
    """(params, FLOPs, output size) of one ResNet block at input resolution `size`."""
    c_out = c * DETR_EXPANSION[block]
    side = _out(size, 3, stride, 1)
    if block == "basic":
        convs = [(c_in, c, 3, side), (c, c, 3, side)]
    else:  # torchvision v1.5: the stride on the 3x3
        convs = [(c_in, c, 1, size), (c, c, 3, side), (c, c_out, 1, side)]
    if stride != 1 or c_in != c_out:
        convs.append((c_in, c_out, 1, side))
    params = sum(_conv_bn(i, o, k) for i, o, k, _ in convs)
    return params, sum(_conv_flops(s, i, o, k) for i, o, k, s in convs), side


def _detr_backbone(d: Dims) -> tuple[dict[str, int], int, int]:
    """(params per layer path, FLOPs, feature side) of the ResNet backbone."""
    block, w = d["backbone_block"], d["backbone_width"]
    if block not in DETR_EXPANSION or d["backbone_stem"] not in DETR_STEMS:
        raise ValueError(f"unknown backbone_block {block!r} or stem {d['backbone_stem']!r}")
    kernel, stride, pool = DETR_STEMS[d["backbone_stem"]]
    side = _out(d["image_size"], kernel, stride, kernel // 2)
    layers = {"backbone.stem": _conv_bn(d["in_channels"], w, kernel)}
    flops = _conv_flops(side, d["in_channels"], w, kernel)
    side = _out(side, 3, 2, 1) if pool else side
    c_in = w
    for i, depth in enumerate(d["backbone_layers"]):
        for j in range(depth):
            step = 2 if i > 0 and j == 0 else 1
            params, f, side = _resnet_block(block, c_in, w * 2**i, step, side)
            layers[f"backbone.stage{i + 1}.{j}"] = params
            flops += f
            c_in = w * 2**i * DETR_EXPANSION[block]
    return layers, flops, side


def _attention(d_model: int) -> int:
    return 4 * _linear(d_model, d_model)


def detr_layers(d: Dims) -> dict[str, int]:
    dm, ff = d["d_model"], d["d_ff"]
    layers, _, _ = _detr_backbone(d)
    features = 8 * d["backbone_width"] * DETR_EXPANSION[d["backbone_block"]]
    layers["input_proj"] = _linear(features, dm)
    mlp = _linear(dm, ff) + _linear(ff, dm)
    layers.update(
        {f"encoder.{i}": _attention(dm) + mlp + 2 * 2 * dm for i in range(d["encoder_layers"])}
    )
    layers["query_embedding"] = d["num_queries"] * dm
    layers.update(
        {f"decoder.{i}": 2 * _attention(dm) + mlp + 3 * 2 * dm for i in range(d["decoder_layers"])}
    )
    layers["decoder_norm"] = 2 * dm
    layers["class_head"] = _linear(dm, d["num_classes"] + 1)
    layers["box_head"] = 2 * _linear(dm, dm) + _linear(dm, 4)
    return layers


def detr_flops(d: Dims, seq_len: int | None = None) -> int:
    dm, ff, queries = d["d_model"], d["d_ff"], d["num_queries"]
    _, flops, side = _detr_backbone(d)
    tokens = side * side
    features = 8 * d["backbone_width"] * DETR_EXPANSION[d["backbone_block"]]
    flops += 2 * tokens * features * dm  # input projection
    encoder = 4 * 2 * tokens * dm * dm + 4 * tokens * tokens * dm + 2 * 2 * tokens * dm * ff
    self_attn = 4 * 2 * queries * dm * dm + 4 * queries * queries * dm
    cross = 2 * 2 * queries * dm * dm + 2 * 2 * tokens * dm * dm + 4 * queries * tokens * dm
    decoder = self_attn + cross + 2 * 2 * queries * dm * ff
    heads = 2 * dm * (d["num_classes"] + 1) + 2 * 2 * dm * dm + 2 * dm * 4
    flops += d["encoder_layers"] * encoder
    return flops + d["decoder_layers"] * (decoder + queries * heads)
