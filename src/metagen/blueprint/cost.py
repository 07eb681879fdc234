"""What a component's batch-1 forward does, in numbers: FLOPs, kernels and activations.

The latency estimate (blueprint/latency.py) reads these per component. Conventions follow
what the tests measure on the built module (tests/archs/measured_costs.py):
- flops: torch.utils.flop_counter's count (blueprint/counting.py);
- kernels: the aten ops the forward dispatches, views aside: each pays a launch overhead;
- activations: the elements those ops write, each read again by the next op.

Pure Python: `metagen plan` runs without torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)  # not frozen: the solver adds thousands of these, and frozen is slow
class Cost:
    flops: int = 0
    kernels: int = 0
    activations: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.flops + other.flops,
            self.kernels + other.kernels,
            self.activations + other.activations,
        )

    def __mul__(self, times: int) -> Cost:
        return Cost(self.flops * times, self.kernels * times, self.activations * times)

    __rmul__ = __mul__


def total(costs: dict[str, Cost]) -> Cost:
    return sum(costs.values(), Cost())


def elementwise(elements: int, kernels: int = 1) -> Cost:
    """Ops that write `elements` each and compute no counted FLOP (an add, an activation, a
    LayerNorm, a softmax)."""
    return Cost(0, kernels, kernels * elements)


def layer_norm_cost(rows: int, width: int) -> Cost:
    """One LayerNorm over `rows` rows: its output, and the mean and rstd it keeps per row."""
    return Cost(0, 1, rows * (width + 2))


def linear_cost(tokens: int, d_in: int, d_out: int) -> Cost:
    """One Linear over `tokens` rows: a single addmm (or mm without a bias)."""
    return Cost(2 * tokens * d_in * d_out, 1, tokens * d_out)


def attention_cost(tokens: int, d_model: int, heads: int, context: int | None = None) -> Cost:
    """One fused scaled_dot_product_attention call (its output and the per-head log-sum-exp
    it keeps), for `tokens` queries over `context` keys."""
    keys = tokens if context is None else context
    return Cost(4 * tokens * keys * d_model, 1, tokens * d_model + tokens * heads)


def encoder_block_cost(tokens: int, d_model: int, d_ff: int, heads: int) -> Cost:
    """blueprint/counting.py's encoder block (pre-norm ViT and BERT-style blocks): two
    LayerNorms, the fused qkv projection, attention, the output projection, a GELU MLP and
    two residual adds."""
    width = tokens * d_model
    return (
        2 * layer_norm_cost(tokens, d_model)
        + linear_cost(tokens, d_model, 3 * d_model)
        + attention_cost(tokens, d_model, heads)
        + linear_cost(tokens, d_model, d_model)
        + linear_cost(tokens, d_model, d_ff)
        + elementwise(tokens * d_ff)  # GELU
        + linear_cost(tokens, d_ff, d_model)
        + elementwise(width, 2)  # the residual adds
    )


def conv_cost(
    out_positions: int, kernel_volume: int, c_in: int, c_out: int, groups: int = 1
) -> Cost:
    """One convolution (any rank) writing `out_positions` positions of `c_out` channels; a
    kernel of `kernel_volume` taps (k*k in 2-D)."""
    flops = 2 * out_positions * kernel_volume * (c_in // groups) * c_out
    return Cost(flops, 1, out_positions * c_out)


def batched(cost: Cost, rows: int) -> Cost:
    """`cost` run over `rows` inputs at once (a text's chunks): each row's work and writes, in
    the same kernels."""
    return Cost(cost.flops * rows, cost.kernels, cost.activations * rows)


def masked_mean_cost(tokens: int, width: int) -> Cost:
    """nn/pooling.py's masked_token_mean of `tokens` vectors of `width`: the mask as weights,
    the weighted vectors, their sum and the weights' sum, the clamp and the division."""
    return Cost(0, 6, tokens + tokens * width + 2 * width + 2)


def chunk_mean_cost(chunks: int, tokens: int, width: int) -> Cost:
    """nn/pooling.py's chunk_mean of a text's chunk vectors of `width`: which chunks hold text
    (amax), the readable mask (ones, cat), the weights, the weighted vectors, their sum over
    the chunks and the weights' sum, the clamp and the division."""
    return Cost(0, 9, chunks * (3 + tokens + width) + 2 * width + 2)


def chunked_costs(per_chunk: dict[str, Cost], chunks: int, tokens: int, width: int) -> dict:
    """A text read in `chunks` chunks of `tokens` tokens, from one chunk's costs: every
    component but the head run on all the chunks in the same kernels, the forward adds
    chunk_mean over the chunks' `width`-wide vectors, and the head reads that mean once."""
    out = {name: batched(cost, chunks) for name, cost in per_chunk.items() if name != "head"}
    out["forward"] = out.get("forward", Cost()) + chunk_mean_cost(chunks, tokens, width)
    return {**out, "head": per_chunk["head"]}
