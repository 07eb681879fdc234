"""Exact parameters, forward FLOPs and per-component costs of the recurrent forecaster
(model.py), from dims alone; its recurrent layers serve the TFT and the BiLSTM tagger. Pure
Python.

Recurrent layers count their input and hidden matmuls at every step (2 * T * gates * hidden
* (inputs + hidden)), which FlopCounterMode sees for a GRU but not for the fused CPU LSTM
kernel, so the tests map that kernel to the same formula.
"""

from __future__ import annotations

from typing import Any

from metagen.archs.dlinear.counts import restore_cost, standardize_cost
from metagen.blueprint.cost import Cost, elementwise, linear_cost, total
from metagen.blueprint.counting import linear, pick

RNN_GATES = {"lstm": 4, "gru": 3}
# The unfused CPU GRU step's element-wise gate ops, each writing `hidden`: two sigmoids and
# the adds before them, the reset product, the candidate's add and tanh, and the blend.
GRU_STEP_GATE_OPS = 10


def rnn_layer_params(gates: int, d_in: int, hidden: int) -> int:
    """One torch LSTM/GRU layer: input and hidden weights, each with its own bias."""
    return gates * (d_in * hidden + hidden * hidden + 2 * hidden)


def rnn_layer_flops(gates: int, d_in: int, hidden: int, steps: int) -> int:
    return 2 * steps * gates * hidden * (d_in + hidden)


def lstm_layer_cost(d_in: int, hidden: int, steps: int) -> Cost:
    """One layer of the fused CPU LSTM kernel (mkldnn_rnn_layer): a single kernel writing
    every step's output and the last hidden and cell states."""
    return Cost(rnn_layer_flops(4, d_in, hidden, steps), 1, (steps + 2) * hidden)


def gru_layer_cost(d_in: int, hidden: int, steps: int) -> Cost:
    """One GRU layer, which CPU torch runs unfused: the input projection over all steps, then
    per step the hidden matmul, two gate splits and the gate ops, and the outputs stacked."""
    gates = 3 * hidden
    step = (
        linear_cost(1, hidden, gates)
        + elementwise(gates, 2)
        + elementwise(hidden, GRU_STEP_GATE_OPS)
    )
    return linear_cost(steps, d_in, gates) + steps * step + elementwise(steps * hidden)


RNN_LAYER_COSTS = {"lstm": lstm_layer_cost, "gru": gru_layer_cost}


def rnn_cost(
    cell: str, d_in: int, hidden: int, n_layers: int, steps: int, initial_state: bool = False
) -> Cost:
    """A torch nn.LSTM/GRU on one sequence (batch_first): its zero initial states unless
    given (h, and c for an LSTM), the layers, the last states stacked across layers; a GRU
    also transposes its stacked outputs back to batch-first in place."""
    layer_cost = RNN_LAYER_COSTS[cell]
    states = 2 if cell == "lstm" else 1
    width = n_layers * hidden
    zeros = Cost() if initial_state else elementwise(width, states)
    tail = elementwise(steps * hidden) if cell == "gru" else Cost()
    stack = layer_cost(d_in, hidden, steps) + (n_layers - 1) * layer_cost(hidden, hidden, steps)
    return zeros + stack + elementwise(width, states) + tail


def layers(dims: dict[str, Any]) -> dict[str, int]:
    """encoder (the stacked LSTM/GRU), head (a two-layer MLP from the last state)."""
    gates, dm, ff = pick(RNN_GATES, dims, "cell"), dims["d_model"], dims["d_ff"]
    encoder = rnn_layer_params(gates, dims["channels"], dm)
    encoder += (dims["n_layers"] - 1) * rnn_layer_params(gates, dm, dm)
    return {"encoder": encoder, "head": linear(dm, ff) + linear(ff, dims["horizon"])}


def costs(dims: dict[str, Any], seq_len: int | None) -> dict[str, Cost]:
    """One window of lookback steps through the encoder; the head (linear, GELU, linear)
    runs on the last state (a view); the forward standardizes and restores."""
    dm, ff, h, lookback = dims["d_model"], dims["d_ff"], dims["horizon"], dims["lookback"]
    head = linear_cost(1, dm, ff) + elementwise(ff) + linear_cost(1, ff, h)
    return {
        "encoder": rnn_cost(dims["cell"], dims["channels"], dm, dims["n_layers"], lookback),
        "head": head,
        "forward": standardize_cost(lookback, dims["channels"]) + restore_cost(h),
    }


def flops(dims: dict[str, Any], seq_len: int | None) -> int:
    """One window of lookback steps; the head runs on the last state."""
    return total(costs(dims, seq_len)).flops
