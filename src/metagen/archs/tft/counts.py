"""Exact parameters, forward FLOPs and per-component costs of the Temporal Fusion Transformer
(model.py), from dims alone. Pure Python.

Gated residual networks (GRNs) select the variables, an LSTM encoder-decoder runs over the
lookback and the horizon, and interpretable attention blocks (one value head shared by all
heads) run over both; the head reads the horizon steps. The LSTMs follow the recurrent
forecaster's counting (archs/rnn_forecaster/counts.py).
"""

from __future__ import annotations

from typing import Any

from metagen.archs.dlinear.counts import restore_cost, standardize_cost
from metagen.archs.rnn_forecaster.counts import rnn_cost, rnn_layer_params
from metagen.blueprint.cost import (
    Cost,
    attention_cost,
    elementwise,
    layer_norm_cost,
    linear_cost,
    total,
)
from metagen.blueprint.counting import layer_norm, linear

LSTM_GATES = 4


def _gate_add_norm(d: int) -> int:
    """A GLU gate (d to 2*d) and a LayerNorm."""
    return linear(d, 2 * d) + layer_norm(d)


def _grn(d_in: int, d_hidden: int, d_out: int) -> int:
    """A gated residual network; the skip is projected when the widths differ."""
    skip = linear(d_in, d_out) if d_in != d_out else 0
    return skip + linear(d_in, d_hidden) + linear(d_hidden, d_out) + _gate_add_norm(d_out)


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """input_embedding, variable_selection, future_embedding, encoder and decoder (LSTMs),
    lstm_gate, blocks.i (attention and a GRN), output_gate, head."""
    dm, c, hd = dims["d_model"], dims["channels"], dims["d_model"] // dims["n_heads"]
    block = 2 * linear(dm, dm) + linear(dm, hd) + linear(hd, dm)  # q, k, shared v, out
    block += _gate_add_norm(dm) + _grn(dm, dm, dm)
    out = {
        "input_embedding": 2 * c * dm,
        # one variable needs no weighting GRN: its weight is 1
        "variable_selection": (_grn(c * dm, dm, c) if c > 1 else 0) + c * _grn(dm, dm, dm),
        "future_embedding": dims["horizon"] * dm,
        "encoder": rnn_layer_params(LSTM_GATES, dm, dm),
        "decoder": rnn_layer_params(LSTM_GATES, dm, dm),
        "lstm_gate": _gate_add_norm(dm),
    }
    out.update({f"blocks.{i}": block for i in range(dims["n_layers"])})
    out["output_gate"] = _gate_add_norm(dm)
    out["head"] = linear(dm, 1)
    return out


def _gate_add_norm_cost(rows: int, d: int) -> Cost:
    """GateAddNorm on `rows` rows: the GLU's linear (d to 2*d), the GLU, the skip add and
    the LayerNorm."""
    return linear_cost(rows, d, 2 * d) + elementwise(rows * d, 2) + layer_norm_cost(rows, d)


def _grn_cost(rows: int, d_in: int, d_hidden: int, d_out: int, strided: bool = False) -> Cost:
    """A gated residual network on `rows` rows: fc1, ELU, fc2, the skip projection where the
    widths differ, and gate-add-norm. A strided input (one variable's slice of several, whose
    GRN keeps its width, so fc1 alone reads it) runs fc1 as a matmul: an mm, an unsafe view
    back to 3-D and the bias add."""
    fc1 = linear_cost(rows, d_in, d_hidden)
    if strided:
        fc1 += elementwise(rows * d_hidden, 2)
    skip = linear_cost(rows, d_in, d_out) if d_in != d_out else Cost()
    body = elementwise(rows * d_hidden) + linear_cost(rows, d_hidden, d_out)  # ELU, fc2
    return fc1 + body + skip + _gate_add_norm_cost(rows, d_out)


def _variable_selection_cost(lookback: int, c: int, d: int) -> Cost:
    """A GRN per variable on its slice of the embedding, their outputs stacked; with several
    variables, the weighting GRN on all of them, its softmax, and the weighted sum (a product
    and a sum over the variables). One variable's slice is contiguous; several are strided."""
    strided = c > 1 and lookback > 1
    per_variable = c * _grn_cost(lookback, d, d, d, strided) + elementwise(lookback * c * d)
    if c == 1:
        return per_variable
    weighting = _grn_cost(lookback, c * d, d, c) + elementwise(lookback * c)  # the softmax
    return per_variable + weighting + elementwise(lookback * c * d) + elementwise(lookback * d)


def _attention_cost(t: int, d: int, heads: int) -> Cost:
    """Interpretable attention over t steps: q and k projections, the shared value head,
    causal SDPA, the mean over heads and the output projection."""
    hd = d // heads
    projections = 2 * linear_cost(t, d, d) + linear_cost(t, d, hd)
    mean = elementwise(t * hd)
    return projections + attention_cost(t, d, heads) + mean + linear_cost(t, hd, d)


def _block_cost(t: int, d: int, heads: int) -> Cost:
    """A TFT block over t steps: attention with gate-add-norm, then a GRN."""
    return _attention_cost(t, d, heads) + _gate_add_norm_cost(t, d) + _grn_cost(t, d, d, d)


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One window: variable selection over the lookback, the encoder LSTM (from zeros) and the
    decoder LSTM (from the encoder's state) over the future embeddings, the gates and blocks
    over lookback + horizon steps, the head on the horizon's. The forward standardizes, makes
    the future steps' indices, concatenates the LSTMs' inputs and outputs along time, and
    restores the forecast."""
    d, c = dims["d_model"], dims["channels"]
    lookback, horizon = dims["lookback"], dims["horizon"]
    t = lookback + horizon
    forward = (
        standardize_cost(lookback, c)
        + elementwise(horizon)  # the arange of future steps
        + elementwise(t * d, 2)  # the two concats
        + restore_cost(horizon)
    )
    return {
        "input_embedding": elementwise(lookback * c * d, 2),  # a scale and a shift
        "variable_selection": _variable_selection_cost(lookback, c, d),
        "future_embedding": elementwise(horizon * d),
        "encoder": rnn_cost("lstm", d, d, 1, lookback),
        "decoder": rnn_cost("lstm", d, d, 1, horizon, initial_state=True),
        "lstm_gate": _gate_add_norm_cost(t, d),
        "blocks": dims["n_layers"] * _block_cost(t, d, dims["n_heads"]),
        "output_gate": _gate_add_norm_cost(t, d),
        "head": linear_cost(horizon, d, 1),
        "forward": forward,
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window: variable selection over the lookback, the LSTMs, the blocks over lookback
    + horizon steps, the head over the horizon."""
    return total(costs(dims, seq_len)).flops
