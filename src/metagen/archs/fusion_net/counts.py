"""Exact parameters, forward FLOPs and per-component costs of the fusion network (model.py),
from dims alone. Pure Python. Convolutions count 2 * outputs * kernel * inputs / groups;
batch norms, activations, embeddings, the spiking neurons and the CfC's gate are free
(blueprint/counting.py).

Costs follow the CPU forward the tests measure: a batch norm in eval is two kernels (an
empty save buffer, then the norm), a bool attention mask is made additive per call, and
nn.MultiheadAttention runs its unfused path (it returns the head-averaged weights)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from metagen.archs.policy_transformer.counts import bool_mask_cost
from metagen.blueprint.cost import (
    Cost,
    conv_cost,
    elementwise,
    encoder_block_cost,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import (
    attention_flops,
    attention_params,
    cfc_cell_flops,
    layer_norm,
    linear,
    modality_encoder_params,
    modality_fusion_params,
)

TEXT_VOCAB = 257  # the 256 bytes and the padding id
AUDIO_N_FFT, AUDIO_HOP = 400, 160
PADDED = ("text",)  # the modalities whose preprocessor gives a padding mask
# preprocessors whose tokens are a transposed feature map plus the positions: a strided view,
# which a Linear reads as mm, a copy-free reshape and the bias add rather than one addmm
TRANSPOSED = ("image", "audio", "sensor", "video")
TIME_MODALITIES = ("audio", "sensor", "video")
BATCH_NORM_KERNELS = 2  # eval on CPU: an empty save buffer, then native_batch_norm
# the audio front end's ops: over the frames' windows (the Hann multiply), over the
# spectrum (rfft, transpose_, the two squares and their sum), over the mel frames (the
# filterbank bmm and its view, clamp, log10, maximum, + 4, / 4), and two scalars (the peak
# and the peak - 8)
SPECTRUM_OPS, MEL_OPS, PEAK_OPS = 5, 7, 2
# one LIF step on every neuron: clamp(beta) on one element, then the previous spikes (gt,
# float), the leak, the current, the reset, the subtraction, and the new spikes (sub, gt,
# float)
LIF_STEP_OPS = 9
LIF_LAYER_OPS = 4  # after the steps: the stacks of spikes and membranes, their mean, the rate
# one CfC step beside its matmuls: the [input, state] concat, LeCun's tanh (mul, tanh, mul)
# on the backbone, and the gate's nine ops on the state (the time scale and offset, sigmoid,
# the tanh of f and g, 1 - gate and the blend's two products and sum)
CFC_BACKBONE_OPS, CFC_STATE_OPS = 3, 9
CFC_MATMULS = 5  # the backbone, f, g, and the time heads a and b
PRESENCE_CHECK = Cost(0, 3, 2)  # present.any(1).all() and its read back
WEIGHT_OPS = 3  # the modality weights: ~present, masked_fill, softmax
MASKED_POOL_KERNELS = 7  # masked_token_mean: ~mask, float, multiply, two sums, clamp, divide


def _half(n: int) -> int:
    """A stride-2 conv's output length with kernel 3 and padding 1 (or 5 and 2)."""
    return (n - 1) // 2 + 1


def tokens(dims: dict[str, Any], name: str) -> int:
    """How many tokens a modality's encoder reads: its preprocessor's, or align_steps for a
    time-based input when the inputs are aligned."""
    if dims.get("align_steps") and name in TIME_MODALITIES:
        return dims["align_steps"]
    return preprocessor_tokens(dims, name)


def preprocessor_tokens(dims: dict[str, Any], name: str) -> int:
    """How many tokens a modality's preprocessor gives."""
    if name == "image":
        return _half(_half(dims["image_size"])) ** 2
    if name == "text":
        return dims["text_len"]
    if name == "audio":
        return _half(1 + dims["audio_samples"] // AUDIO_HOP)
    if name == "sensor":
        return _half(_half(dims["sensor_steps"]))
    if name == "video":
        return _half(dims["video_frames"])
    return dims["num_features"]


def _conv(c_in: int, c_out: int, kernel: int, groups: int = 1) -> int:
    return c_in // groups * c_out * kernel


# -------------------------------------------------------------------------------------------
# parameters


def _image_params(dims: dict[str, Any]) -> int:
    """The stem, the second stage (with their batch norms) and the positions."""
    d, half, c = dims["d_model"], dims["d_model"] // 2, dims["image_channels"]
    params = _conv(c, half, 9) + 2 * half  # the stem and its batch norm
    kind = dims["vision"]
    if kind == "simple":
        params += _conv(half, d, 9) + 2 * d
    elif kind == "resnet":
        params += _conv(half, d, 9) + _conv(d, d, 9) + _conv(half, d, 1) + 3 * 2 * d
    else:
        params += _conv(half, half, 9, groups=half) + _conv(half, d, 1) + 2 * half + 2 * d
    return params + preprocessor_tokens(dims, "image") * d


def _preprocess_params(dims: dict[str, Any], name: str) -> int:
    d, t = dims["d_model"], preprocessor_tokens(dims, name)
    if name == "image":
        return _image_params(dims)
    if name == "text":
        return TEXT_VOCAB * d + dims["text_len"] * d
    if name == "audio":
        return linear(3 * dims["n_mels"], d) + t * d
    if name == "sensor":
        ch = dims["sensor_channels"]
        return linear(5 * ch, d) + linear(3 * d, d) + t * d
    if name == "video":
        half, c = d // 2, dims["video_channels"]
        return _conv(c, half, 27) + 2 * half + _conv(half, d, 27) + 2 * d + t * d
    return 2 * dims["num_features"] * d


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """preprocess.<modality>, encoders.<modality> (not for early fusion), fusion, head."""
    d, names = dims["d_model"], dims["modalities"]
    out = {f"preprocess.{m}": _preprocess_params(dims, m) for m in names}
    if dims["strategy"] != "early":
        for m in names:
            out[f"encoders.{m}"] = modality_encoder_params(
                dims["encoder"], d, dims["n_layers"], dims["d_ff"], d
            )
    learnable = dims["modality_weights"] == "learnable"
    out["fusion"] = modality_fusion_params(
        dims["strategy"], len(names), d, dims["n_layers"], learnable
    )
    out["head"] = layer_norm(d) + linear(d, dims["num_outputs"])
    return out


# -------------------------------------------------------------------------------------------
# the preprocessors


def _conv_bn(positions: int, taps: int, c_in: int, c_out: int, groups: int = 1) -> Cost:
    """A bias-free convolution and its batch norm."""
    return conv_cost(positions, taps, c_in, c_out, groups) + Cost(
        0, BATCH_NORM_KERNELS, positions * c_out
    )


def _conv_bn_relu(positions: int, taps: int, c_in: int, c_out: int, groups: int = 1) -> Cost:
    return _conv_bn(positions, taps, c_in, c_out, groups) + elementwise(positions * c_out)


def _image_cost(dims: dict[str, Any]) -> Cost:
    """The stem, the second stage ("simple": conv-BN-ReLU; "resnet": a basic block with its
    projection; "efficient": depthwise then pointwise), and the positions' add."""
    d, half, c = dims["d_model"], dims["d_model"] // 2, dims["image_channels"]
    s1, s2 = _half(dims["image_size"]), _half(_half(dims["image_size"]))
    p1, p2 = s1 * s1, s2 * s2
    stem = _conv_bn_relu(p1, 9, c, half)
    kind = dims["vision"]
    if kind == "simple":
        second = _conv_bn_relu(p2, 9, half, d)
    elif kind == "resnet":  # projection, conv1 + ReLU, conv2, the residual add and its ReLU
        second = _conv_bn(p2, 1, half, d) + _conv_bn_relu(p2, 9, half, d) + _conv_bn(p2, 9, d, d)
        second += elementwise(p2 * d, 2)
    else:
        second = _conv_bn_relu(p2, 9, half, half, groups=half) + _conv_bn_relu(p2, 1, half, d)
    return stem + second + elementwise(p2 * d)


def _audio_cost(dims: dict[str, Any]) -> Cost:
    """The log-mel spectrogram (reflect padding, windowing, the rfft and power, the
    filterbank matmul, Whisper's log scaling), then the stride-2 conv, GELU and positions."""
    d, mels, samples = dims["d_model"], dims["n_mels"], dims["audio_samples"]
    frames, freqs = 1 + samples // AUDIO_HOP, AUDIO_N_FFT // 2 + 1
    t = preprocessor_tokens(dims, "audio")
    padding = elementwise(samples + 2 * (AUDIO_N_FFT // 2))
    spectrum = elementwise(frames * AUDIO_N_FFT) + elementwise(frames * freqs, SPECTRUM_OPS)
    mel = Cost(2 * frames * freqs * mels, MEL_OPS, MEL_OPS * mels * frames)
    mel += elementwise(1, PEAK_OPS)
    return padding + spectrum + mel + conv_cost(t, 3, mels, d) + elementwise(t * d, 2)


def _sensor_cost(dims: dict[str, Any]) -> Cost:
    """Two stride-2 Conv1d, each with its GELU, and the positions."""
    d, t1, t2 = dims["d_model"], _half(dims["sensor_steps"]), preprocessor_tokens(dims, "sensor")
    first = conv_cost(t1, 5, dims["sensor_channels"], d) + elementwise(t1 * d)
    return first + conv_cost(t2, 3, d, d) + elementwise(t2 * d, 2)


def _video_cost(dims: dict[str, Any]) -> Cost:
    """Two 3x3x3 conv-BN-ReLU stages (the first keeps the frames, the second halves them),
    the mean over space and the positions."""
    d, frames = dims["d_model"], dims["video_frames"]
    h1, w1 = _half(dims["video_height"]), _half(dims["video_width"])
    first = _conv_bn_relu(frames * h1 * w1, 27, dims["video_channels"], d // 2)
    t = _half(frames)
    second = _conv_bn_relu(t * _half(h1) * _half(w1), 27, d // 2, d)
    return first + second + elementwise(t * d, 2)


def _preprocess_cost(dims: dict[str, Any], name: str) -> Cost:
    d = dims["d_model"]
    if name == "image":
        return _image_cost(dims)
    if name == "text":  # the embedding, the positions' add, the padding mask
        length = dims["text_len"]
        return elementwise(length * d, 2) + elementwise(length)
    if name == "audio":
        return _audio_cost(dims)
    if name == "sensor":
        return _sensor_cost(dims)
    if name == "video":
        return _video_cost(dims)
    return elementwise(dims["num_features"] * d, 2)  # x_i * w_i + b_i


# -------------------------------------------------------------------------------------------
# the modality encoders


def _transformer_encoder_cost(dims: dict[str, Any], t: int, padded: bool) -> Cost:
    """Encoder blocks; a padded modality's mask (one ~padding, then per block the CPU
    attention's additive (1, t) mask)."""
    d, heads = dims["d_model"], dims["n_heads"]
    block = encoder_block_cost(t, d, dims["d_ff"], heads)
    if not padded:
        return dims["n_layers"] * block
    return elementwise(t) + dims["n_layers"] * (block + bool_mask_cost(1, t))


def spiking_cost(d: int, t: int, n_layers: int, steps: int, strided: bool) -> Cost:
    """nn/modality_encoder.py's SpikingLayers over t tokens: per layer the current (a
    strided input makes the first one mm, reshape and bias add), the zero membrane, `steps`
    LIF steps and the rates; then the readout and the mean spike rate."""
    width = t * d
    current = linear_cost(t, d, d)
    first = current + elementwise(width, 2) if strided else current
    step = elementwise(1) + elementwise(width, LIF_STEP_OPS)
    rates = Cost(0, LIF_LAYER_OPS, 2 * steps * width + width + 1)
    neurons = elementwise(width) + steps * step + rates
    layers_cost = first + (n_layers - 1) * current + n_layers * neurons
    return layers_cost + linear_cost(t, d, d) + Cost(0, 2, n_layers + 1)


def cfc_cost(d: int, t: int) -> Cost:
    """nn/cfc.py's CfC (one backbone layer of d units, gated) over t tokens: the zero state,
    per token the concat, five matmuls and the elementwise ops, then the stack of states."""
    matmuls = Cost(cfc_cell_flops(d, d, d, 1, "gated"), CFC_MATMULS, 5 * d)
    step = elementwise(2 * d) + matmuls + elementwise(d, CFC_BACKBONE_OPS + CFC_STATE_OPS)
    return elementwise(d) + t * step + elementwise(t * d)


def _encoder_cost(dims: dict[str, Any], name: str) -> Cost:
    d, kind, t = dims["d_model"], dims["encoder"], tokens(dims, name)
    cost = Cost()
    if kind == "transformer":
        cost += _transformer_encoder_cost(dims, t, name in PADDED)
    if kind in ("lif", "cfc_lif"):
        strided = name in TRANSPOSED or t != preprocessor_tokens(dims, name)
        cost += spiking_cost(d, t, dims["n_layers"], dims["num_spike_steps"], strided)
    if kind in ("cfc", "cfc_lif"):
        cost += cfc_cost(d, t)
    return cost


# -------------------------------------------------------------------------------------------
# the fusion


def pool_cost(t: int, d: int, padded: bool) -> Cost:
    """masked_token_mean: a mean without padding, else the masked mean's seven ops."""
    if not padded:
        return elementwise(d)
    return Cost(0, MASKED_POOL_KERNELS, 2 * t + t * d + 2 * d + 2)


def fusion_mlp_cost(d_in: int, d: int) -> Cost:
    """Linear, GELU, Linear."""
    return linear_cost(1, d_in, d) + elementwise(d) + linear_cost(1, d, d)


def multihead_attention_cost(d: int, heads: int, queries: int, keys: int, bias: bool) -> Cost:
    """nn.MultiheadAttention's unfused path, queries over other keys: the q and fused kv
    projections (kv copied apart), q's scaling, the scores (baddbmm over the mask), softmax,
    the values' bmm, the heads' copy back and view, the output projection and the
    head-averaged weights. A bool key padding mask is made float first (zeros_like,
    masked_fill_); a float `bias` mask is added to it instead."""
    scores = heads * queries * keys
    width = queries * d
    flops = 4 * width * d + 4 * keys * d * d + attention_flops(queries, d, keys)
    projections = Cost(0, 4, 2 * width + 2 * 2 * keys * d)  # q, kv, kv's copy, q's scale
    attend = Cost(0, 2, 2 * scores) + Cost(0, 4, 4 * width) + elementwise(queries * keys)
    mask = elementwise(scores) if bias else elementwise(keys, 2)
    return Cost(flops, 0, 0) + projections + attend + mask


def _keys_cost(dims: dict[str, Any], skip: int) -> Cost:
    """ModalityFusion._keys: per other modality its absence mask, its embedded tokens, its
    owner ids (and padding or'ed in), then the three concats."""
    d, names, cost, keys = dims["d_model"], dims["modalities"], Cost(), 0
    for m, name in enumerate(names):
        if m == skip:
            continue
        t, padded = tokens(dims, name), name in PADDED
        cost += elementwise(t * d) + elementwise(t, 3 if padded else 2)
        keys += t
    return cost + elementwise(keys * d) + elementwise(keys, 2)


def _attend_cost(dims: dict[str, Any], queries: int, keys: int, bias: bool) -> Cost:
    """ModalityFusion._attend: which samples have no key, the bias's masking (with a bias),
    the norm, the attention, the no-key scaling and the residual add."""
    d = dims["d_model"]
    safe = elementwise(1, 2) + elementwise(keys)
    if bias:
        safe += elementwise(keys, 3)
    attention = multihead_attention_cost(d, dims["n_heads"], queries, keys, bias)
    residual = elementwise(1, 2) + elementwise(queries * d, 2)
    return safe + layer_norm_cost(queries, d) + attention + residual


def _hybrid_cost(dims: dict[str, Any], counts: list[int]) -> Cost:
    """Each modality's tokens (embedded) attend to the others', then pooled; the weighted
    average of the pooled vectors."""
    d, names, cost = dims["d_model"], dims["modalities"], Cost()
    for m, (name, t) in enumerate(zip(names, counts, strict=True)):
        keys = sum(counts) - t
        cost += _keys_cost(dims, m) + elementwise(t * d)
        cost += _attend_cost(dims, t, keys, False) + pool_cost(t, d, name in PADDED)
    return cost + elementwise(len(names) * d, 2) + elementwise(d)


def _cross_attention_cost(dims: dict[str, Any], counts: list[int]) -> Cost:
    """The summary query and the first modality's (embedded) tokens, with their padding,
    over the others' tokens under the log-weight bias; the masked pool."""
    d, first = dims["d_model"], counts[0]
    queries, keys = first + 1, sum(counts) - first
    padded = dims["modalities"][0] in PADDED
    query_side = elementwise(first * d) + elementwise(queries * d)
    query_padding = elementwise(first, 2 if padded else 1) + elementwise(1) + elementwise(queries)
    bias = elementwise(keys, 3)  # index, clamp, log
    attend = _attend_cost(dims, queries, keys, True) + pool_cost(queries, d, True)
    return query_side + query_padding + _keys_cost(dims, 0) + bias + attend


def _early_cost(dims: dict[str, Any], counts: list[int]) -> Cost:
    """Every modality's tokens embedded and scaled, concatenated with their masks, through
    the joint blocks under the key mask, then the masked pool."""
    d, names, joined = dims["d_model"], dims["modalities"], sum(counts)
    scale = elementwise(1) + elementwise(len(names))
    cost = scale + elementwise(joined * d) + elementwise(joined, 2)  # the concats, ~mask
    for name, t in zip(names, counts, strict=True):
        cost += elementwise(t * d, 2)  # + embedding, * scale
        cost += elementwise(1) + elementwise(t) if name in PADDED else elementwise(t)
    block = encoder_block_cost(joined, d, 4 * d, dims["n_heads"]) + bool_mask_cost(1, joined)
    return cost + dims["n_layers"] * block + pool_cost(joined, d, True)


def _late_cost(dims: dict[str, Any]) -> Cost:
    """Each pooled modality through its head; the weighted average."""
    d, count = dims["d_model"], len(dims["modalities"])
    return count * fusion_mlp_cost(d, d) + elementwise(count * d, 2) + elementwise(d)


def _hierarchical_cost(dims: dict[str, Any]) -> Cost:
    """Every pair's concat, MLP and weight; the pair weights' normalisation (or the lone
    modality); the weighted sums; the global MLP."""
    d, count = dims["d_model"], len(dims["modalities"])
    pairs = len(list(combinations(range(count), 2)))
    level1 = pairs * (elementwise(2 * d) + fusion_mlp_cost(2 * d, d) + elementwise(1))
    weights = elementwise(pairs * d) + elementwise(pairs, 4) + elementwise(1, 4)
    sums = elementwise(count * d, 2) + elementwise(pairs * d) + elementwise(d, 3)
    return level1 + weights + sums + fusion_mlp_cost(d, d)


def _fusion_cost(dims: dict[str, Any]) -> Cost:
    """What every strategy shares (the presence check, the modality weights, each
    modality's pooled vector), then the strategy's own."""
    d, names, strategy = dims["d_model"], dims["modalities"], dims["strategy"]
    counts = [tokens(dims, m) for m in names]
    shared = PRESENCE_CHECK + elementwise(len(names), WEIGHT_OPS)
    for name, t in zip(names, counts, strict=True):
        shared += pool_cost(t, d, name in PADDED)
    if strategy == "early":
        return shared + _early_cost(dims, counts)
    if strategy == "late":
        return shared + _late_cost(dims)
    if strategy == "hybrid":
        return shared + _hybrid_cost(dims, counts)
    if strategy == "cross_attention":
        return shared + _cross_attention_cost(dims, counts)
    return shared + _hierarchical_cost(dims)


def _forward_cost(dims: dict[str, Any]) -> Cost:
    """The model's own ops: the presence mask, the resampling of aligned time inputs, and the
    mean spike rate of spiking encoders."""
    d, names = dims["d_model"], dims["modalities"]
    cost = elementwise(len(names))
    if dims.get("align_steps"):
        aligned = sum(1 for m in names if m in TIME_MODALITIES)
        cost += aligned * elementwise(dims["align_steps"] * d)
    if dims["strategy"] != "early" and dims["encoder"] in ("lif", "cfc_lif"):
        cost += elementwise(len(names)) + elementwise(1)
    return cost


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One sample with every modality present."""
    names = dims["modalities"]
    out = {"preprocess": sum((_preprocess_cost(dims, m) for m in names), Cost())}
    if dims["strategy"] != "early":
        out["encoders"] = sum((_encoder_cost(dims, m) for m in names), Cost())
    d = dims["d_model"]
    out.update(
        fusion=_fusion_cost(dims),
        head=layer_norm_cost(1, d) + linear_cost(1, d, dims["num_outputs"]),
        forward=_forward_cost(dims),
    )
    return out


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One sample with every modality present (costs')."""
    return total(costs(dims, seq_len)).flops


__all__ = ["attention_params", "costs", "flops", "layers", "tokens"]
