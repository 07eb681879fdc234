"""Exact parameters and forward FLOPs of the detectors, from dims alone (pure Python).

yolo: YOLOv8's layout (archs/yolo/model.py). condinst: the YOLO detector with a controller
and a mask branch (archs/condinst/model.py). detr: DETR (archs/detr/model.py) on the ResNet
of `counts_resnet.py`. The strides, head widths and the dynamic network's size come from the
models' own source (`counts_source.py`). Pooling, upsampling and norms are free.
"""

from __future__ import annotations

from metagen.blueprint.counting import (
    Dims,
    attention_params,
    conv_bn,
    encoder_block_flops,
    encoder_block_params,
    gelu_mlp_params,
    layer_norm,
    linear,
    pick,
)
from metagen.blueprint.counts_pieces import (
    conv,
    conv_flops,
    cross_attention_flops,
    cross_attention_params,
    linear_flops,
    mlp_flops,
    self_attention_flops,
    stack,
)
from metagen.blueprint.counts_resnet import (
    RESNET_EXPANSION,
    RESNET_STEM_CONV,
    RESNET_STEM_MAXPOOL,
    Conv,
    resnet_convs,
    resnet_features,
    resnet_walk_flops,
)
from metagen.blueprint.counts_source import model_constant, model_function

Part = tuple[int, int]  # (params, FLOPs per output pixel)


def _strides() -> tuple[int, int, int]:
    return model_constant("yolo", "YOLO_STRIDES")


def _c2f(c_in: int, c_out: int, n: int) -> Part:
    c = c_out // 2
    params = conv_bn(c_in, 2 * c, 1) + conv_bn((2 + n) * c, c_out, 1)
    params += n * 2 * conv_bn(c, c, 3)
    flops = 2 * (c_in * 2 * c + (2 + n) * c * c_out + n * 2 * 9 * c * c)
    return params, flops


def _sppf(c_in: int, c_out: int) -> Part:
    hidden = c_in // 2
    params = conv_bn(c_in, hidden, 1) + conv_bn(4 * hidden, c_out, 1)
    return params, 2 * (c_in * hidden + 4 * hidden * c_out)


def _down(c_in: int, c_out: int) -> Part:
    """A stride-2 3x3 YoloConv."""
    return conv_bn(c_in, c_out, 3), 2 * 9 * c_in * c_out


def _branch(c_in: int, hidden: int, c_out: int) -> Part:
    """Two 3x3 YoloConvs and a 1x1 conv with bias: a head's box, class or controller branch."""
    params = conv_bn(c_in, hidden, 3) + conv_bn(hidden, hidden, 3) + conv(hidden, c_out, 1)
    return params, 2 * (9 * c_in * hidden + 9 * hidden * hidden + hidden * c_out)


def _stage(c_in: int, c_out: int, blocks: int, sppf: bool = False) -> Part:
    parts = [_down(c_in, c_out), _c2f(c_out, c_out, blocks)]
    parts += [_sppf(c_out, c_out)] if sppf else []
    return sum(p for p, _ in parts), sum(f for _, f in parts)


def _yolo_parts(d: Dims) -> dict[str, tuple[int, int, int]]:
    """Layer path -> (params, FLOPs per output pixel, stride of the output)."""
    c1, c2, c3, c4, c5 = d["channels"]
    b2, b3, b4, b5 = d["c2f_blocks"]
    n = d["neck_blocks"]
    parts = {
        "backbone.p1": (*_down(d["in_channels"], c1), 2),
        "backbone.p2": (*_stage(c1, c2, b2), 4),
        "backbone.p3": (*_stage(c2, c3, b3), 8),
        "backbone.p4": (*_stage(c3, c4, b4), 16),
        "backbone.p5": (*_stage(c4, c5, b5, sppf=True), 32),
        "neck.top_down4": (*_c2f(c5 + c4, c4, n), 16),
        "neck.top_down3": (*_c2f(c4 + c3, c3, n), 8),
        "neck.down3": (*_down(c3, c3), 16),
        "neck.bottom_up4": (*_c2f(c3 + c4, c4, n), 16),
        "neck.down4": (*_down(c4, c4), 32),
        "neck.bottom_up5": (*_c2f(c4 + c5, c5, n), 32),
    }
    widths = model_function("yolo", "yolo_head_widths")
    box_hidden, cls_hidden = widths(d["channels"], d["num_classes"], d["reg_max"])
    for branch, hidden, out in (
        ("box", box_hidden, 4 * d["reg_max"]),
        ("cls", cls_hidden, d["num_classes"]),
    ):
        for i, (c, stride) in enumerate(zip((c3, c4, c5), _strides(), strict=True)):
            parts[f"head.{branch}.{i}"] = (*_branch(c, hidden, out), stride)
    return parts


def yolo_layers(d: Dims) -> dict[str, int]:
    layers = {name: params for name, (params, _, _) in _yolo_parts(d).items()}
    layers["head.dfl"] = d["reg_max"]  # the fixed projection (YOLOv8 counts it)
    return layers


def yolo_flops(d: Dims, seq_len: int | None = None) -> int:
    size = d["image_size"]
    cells = sum((size // stride) ** 2 for stride in _strides())
    dfl = conv_flops(4 * cells, d["reg_max"], 1, 1)  # reg_max bins to 1, per side and cell
    return dfl + sum(f * (size // stride) ** 2 for _, f, stride in _yolo_parts(d).values())


# --- condinst ---------------------------------------------------------------------------------


def _condinst_parts(d: Dims) -> dict[str, tuple[int, int]]:
    """The layers CondInst adds to the detector: (params, FLOPs)."""
    c3, size = d["channels"][2], d["image_size"]
    hidden = model_function("condinst", "condinst_controller_width")(d["channels"])
    mask_channels = model_constant("condinst", "CONDINST_MASK_CHANNELS")
    head_channels = model_constant("condinst", "CONDINST_HEAD_CHANNELS")
    dynamic = model_function("condinst", "condinst_param_count")(mask_channels, head_channels)
    parts = {}
    for i, (c, stride) in enumerate(zip(d["channels"][2:], _strides(), strict=True)):
        params, flops = _branch(c, hidden, dynamic)
        parts[f"controller.{i}"] = (params, flops * (size // stride) ** 2)
    eighth, quarter = (size // 8) ** 2, (size // 4) ** 2  # pixels at P3 and after upsampling
    params = 2 * conv_bn(c3, c3, 3) + conv(c3, c3, 2) + conv(c3, mask_channels, 1)
    flops = conv_flops(eighth, c3, c3, 3) + conv_flops(quarter, c3, c3, 3)
    # The transposed conv's FLOPs count its input pixels, as FlopCounterMode does.
    flops += conv_flops(eighth, c3, c3, 2) + conv_flops(quarter, c3, mask_channels, 1)
    parts["mask_branch"] = (params, flops)
    return parts


def condinst_layers(d: Dims) -> dict[str, int]:
    return {**yolo_layers(d), **{k: p for k, (p, _) in _condinst_parts(d).items()}}


def condinst_flops(d: Dims, seq_len: int | None = None) -> int:
    return yolo_flops(d) + sum(f for _, f in _condinst_parts(d).values())


# --- detr ------------------------------------------------------------------------------------


def _detr_backbone(d: Dims) -> tuple[dict[str, list[Conv]], int]:
    """(convs per layer name, feature channels) of the ResNet backbone."""
    block, width = d["backbone_block"], d["backbone_width"]
    pick(RESNET_EXPANSION, d, "backbone_block")
    kernel, stride = pick(RESNET_STEM_CONV, d, "backbone_stem")
    stem = Conv(d["in_channels"], width, (kernel, kernel), (stride, stride))
    convs = resnet_convs(block, d["backbone_layers"], width, stem)
    return convs, resnet_features(width, block)


def _detr_heads_flops(d: Dims) -> int:
    """The class and box heads over every query (run after every decoder layer)."""
    dm, queries = d["d_model"], d["num_queries"]
    classes = linear_flops(queries, dm, d["num_classes"] + 1)
    return classes + 2 * linear_flops(queries, dm, dm) + linear_flops(queries, dm, 4)


def detr_layers(d: Dims) -> dict[str, int]:
    dm, ff = d["d_model"], d["d_ff"]
    convs, features = _detr_backbone(d)
    layers = {f"backbone.{name}": sum(c.params() for c in cs) for name, cs in convs.items()}
    layers["input_proj"] = linear(features, dm)
    layers.update(stack("encoder", d["encoder_layers"], encoder_block_params(dm, ff)))
    layers["query_embedding"] = d["num_queries"] * dm
    decoder = attention_params(dm) + cross_attention_params(dm, dm) + gelu_mlp_params(dm, ff)
    layers.update(stack("decoder", d["decoder_layers"], decoder + 3 * layer_norm(dm)))
    layers["decoder_norm"] = layer_norm(dm)
    layers["class_head"] = linear(dm, d["num_classes"] + 1)
    layers["box_head"] = 2 * linear(dm, dm) + linear(dm, 4)
    return layers


def detr_flops(d: Dims, seq_len: int | None = None) -> int:
    dm, ff, queries = d["d_model"], d["d_ff"], d["num_queries"]
    convs, features = _detr_backbone(d)
    size = (d["image_size"], d["image_size"])
    flops, (height, width) = resnet_walk_flops(
        convs, size, pick(RESNET_STEM_MAXPOOL, d, "backbone_stem")
    )
    tokens = height * width
    flops += linear_flops(tokens, features, dm)  # input projection
    flops += d["encoder_layers"] * encoder_block_flops(tokens, dm, ff)
    decoder = self_attention_flops(queries, dm) + cross_attention_flops(queries, tokens, dm, dm)
    decoder += mlp_flops(queries, dm, ff) + _detr_heads_flops(d)
    return flops + d["decoder_layers"] * decoder
