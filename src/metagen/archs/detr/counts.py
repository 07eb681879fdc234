"""Exact parameters and forward FLOPs of DETR (archs/detr/model.py), from dims alone (pure
Python): a ResNet backbone (the stages of archs/resnet/counts.py, without pooling and
classifier), a 1x1 projection, post-norm encoder layers over the feature map, decoder layers
over the object queries, and the class and box heads on every decoder layer's output.

FLOPs follow blueprint/counting.py (FlopCounterMode's): 2 * output pixels * kernel area *
c_in * c_out per conv, 2*m*n*k per matmul, 4 * T_q * T_k * d per attention call; pooling
and norms are free. Costs (kernels, activations) follow the forward's aten ops.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.resnet.counts import (
    RESNET_EXPANSION,
    RESNET_STEM_CONV,
    RESNET_STEM_MAXPOOL,
    Conv,
    resnet_convs,
    resnet_features,
    resnet_walk_costs,
)
from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    elementwise,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
    attention_params,
    encoder_block_params,
    gelu_mlp_params,
    layer_norm,
    linear,
    pick,
)


def _backbone_convs(dims: dict[str, Any]) -> dict[str, list[Conv]]:
    """The ResNet's convs per layer name (stem, stage{i}.{j})."""
    pick(RESNET_EXPANSION, dims, "backbone_block")
    kernel, stride = pick(RESNET_STEM_CONV, dims, "backbone_stem")
    stem = Conv(dims["in_channels"], dims["backbone_width"], (kernel, kernel), (stride, stride))
    block, depths = dims["backbone_block"], dims["backbone_layers"]
    return resnet_convs(block, depths, dims["backbone_width"], stem)


def _backbone_costs(dims: dict[str, Any]) -> tuple[Cost, tuple[int, ...]]:
    """(cost, feature map size) of the backbone: one token per pixel of its feature map."""
    image = (dims["image_size"], dims["image_size"])
    pool = pick(RESNET_STEM_MAXPOOL, dims, "backbone_stem")
    layer_costs, features = resnet_walk_costs(_backbone_convs(dims), image, pool)
    return total(layer_costs), features


def _features(dims: dict[str, Any]) -> int:
    return resnet_features(dims["backbone_width"], dims["backbone_block"])


def layers(dims: dict[str, Any]) -> dict[str, int]:
    dm, ff = dims["d_model"], dims["d_ff"]
    found = {
        f"backbone.{name}": sum(c.params() for c in convs)
        for name, convs in _backbone_convs(dims).items()
    }
    found["input_proj"] = linear(_features(dims), dm)  # a 1x1 conv
    # The encoder block's count: its ReLU MLP has the GELU MLP's two matrices.
    encoder = encoder_block_params(dm, ff)
    found.update({f"encoder.{i}": encoder for i in range(dims["encoder_layers"])})
    found["query_embedding"] = dims["num_queries"] * dm
    decoder = 2 * attention_params(dm) + gelu_mlp_params(dm, ff) + 3 * layer_norm(dm)
    found.update({f"decoder.{i}": decoder for i in range(dims["decoder_layers"])})
    found["decoder_norm"] = layer_norm(dm)
    found["class_head"] = linear(dm, dims["num_classes"] + 1)
    found["box_head"] = 2 * linear(dm, dm) + linear(dm, 4)
    return found


def _attention_cost(queries: int, keys: int, dm: int, heads: int) -> Cost:
    """DetrAttention: separate query, key and value Linears, the fused attention, the output
    Linear."""
    projections = linear_cost(queries, dm, dm) + 2 * linear_cost(keys, dm, dm)
    return projections + attention_cost(queries, dm, heads, keys) + linear_cost(queries, dm, dm)


def _feed_forward_cost(rows: int, dm: int, ff: int) -> Cost:
    """Linear, ReLU, Linear."""
    return linear_cost(rows, dm, ff) + elementwise(rows * ff) + linear_cost(rows, ff, dm)


def _encoder_layer_cost(tokens: int, dm: int, ff: int, heads: int) -> Cost:
    """The position add, self-attention, then the MLP; each residual add then LayerNorm."""
    width = tokens * dm
    attention = _attention_cost(tokens, tokens, dm, heads)
    residuals = 2 * (elementwise(width) + layer_norm_cost(tokens, dm))
    return elementwise(width) + attention + _feed_forward_cost(tokens, dm, ff) + residuals


def _transposed_input_cost(tokens: int, dm: int) -> Cost:
    """The first encoder layer reads the feature map's transposed view (and a sum laid out
    like it): its query, key and value Linears each run as an mm, a copy back to 3-D and a
    separate bias add, two kernels more than an addmm."""
    return elementwise(tokens * dm, 3 * 2)


def _decoder_layer_cost(queries: int, tokens: int, dm: int, ff: int, heads: int) -> Cost:
    """Self-attention over the queries, cross-attention to the image tokens, then the MLP,
    each residual add then LayerNorm; the positions are added to the queries twice (once for
    both the self-attention's queries and keys) and to the image tokens once."""
    width = queries * dm
    positions = elementwise(width, 2) + elementwise(tokens * dm)
    attention = _attention_cost(queries, queries, dm, heads)
    attention += _attention_cost(queries, tokens, dm, heads)
    residuals = 3 * (elementwise(width) + layer_norm_cost(queries, dm))
    return positions + attention + _feed_forward_cost(queries, dm, ff) + residuals


def _sine_positions_cost(height: int, width: int, dm: int) -> Cost:
    """detr_sine_positions: the row, column and frequency ramps (three, three and five small
    ops), each axis's angles and their stacked sines and cosines (of half the angles each),
    then the (h*w, d) table."""
    feats = dm // 2
    ramps = elementwise(height, 3) + elementwise(width, 3) + elementwise(feats, 5)
    angles = Cost()
    for side in (height, width):
        angles += elementwise(side * feats, 2) + elementwise(side * feats // 2, 2)
    return ramps + angles + elementwise(height * width * dm)


def _heads_cost(rows: int, dm: int, num_classes: int) -> dict[str, Cost]:
    """The class Linear and the box MLP (Linear-ReLU twice, a Linear to 4, a sigmoid) on
    every decoder layer's queries (`rows` of them)."""
    hidden = linear_cost(rows, dm, dm) + elementwise(rows * dm)
    box = 2 * hidden + linear_cost(rows, dm, 4) + elementwise(rows * 4)
    return {"class_head": linear_cost(rows, dm, num_classes + 1), "box_head": box}


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    return total(costs(dims, seq_len)).flops


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One image. The forward builds the sine positions, the repeated queries, the zero
    targets and the stack of every decoder layer's normed output."""
    dm, ff, heads, queries = dims["d_model"], dims["d_ff"], dims["n_heads"], dims["num_queries"]
    n_encoder, n_decoder = dims["encoder_layers"], dims["decoder_layers"]
    backbone, (height, width) = _backbone_costs(dims)
    tokens = height * width
    encoder = n_encoder * _encoder_layer_cost(tokens, dm, ff, heads)
    decoder = n_decoder * _decoder_layer_cost(queries, tokens, dm, ff, heads)
    query_tensors = elementwise(queries * dm, 2) + elementwise(n_decoder * queries * dm)
    return {
        "backbone": backbone,
        "input_proj": linear_cost(tokens, _features(dims), dm),  # a 1x1 conv
        "encoder": encoder + _transposed_input_cost(tokens, dm),
        "decoder": decoder,
        "decoder_norm": n_decoder * layer_norm_cost(queries, dm),
        **_heads_cost(n_decoder * queries, dm, dims["num_classes"]),
        "forward": _sine_positions_cost(height, width, dm) + query_tensors,
    }
